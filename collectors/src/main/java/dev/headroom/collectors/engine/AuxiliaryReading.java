package dev.headroom.collectors.engine;

/**
 * A dialect that needs a second, small document besides the metrics payload to know a signal: llama.cpp knows KV
 * occupancy only from its {@code slots} endpoint, beside {@code metrics}. The scraper fetches {@link #auxiliaryPath()} after a successful
 * metrics read, bounded by its own timeout and size, and hands the body to {@link #withAuxiliary}. When that fetch
 * fails, times out or the document cannot be read, the sample is kept as it was: those signals stay unknown, never
 * zero.
 */
public interface AuxiliaryReading {

    /**
     * The path of the document, resolved against the metrics URL as a relative reference (e.g. {@code slots}: the
     * sibling of the metrics path's last segment). Relative, so that an engine behind a path-routing proxy
     * ({@code http://gw/llama/metrics}) is asked at {@code http://gw/llama/slots}, not at the proxy's root.
     */
    String auxiliaryPath();

    /**
     * The sample with what the document says added; the sample unchanged when the document is not what was
     * expected. Never throws on a bad document.
     *
     * @param body   the document's bytes; only {@code [0, length)} is meaningful
     */
    EngineSample withAuxiliary(EngineSample sample, byte[] body, int length);
}
