package dev.headroom.simulator.capacity;

/**
 * A latency objective one replica must meet: time to first token at a quantile, and mean inter-token latency.
 *
 * <p>The ITL term is the mean over requests of each request's mean gap, {@code (e2e − TTFT) ÷ (output − 1)}:
 * what vLLM's benchmark reports as mean TPOT. TTFT counts from arrival at the replica, queueing included.
 *
 * @param ttftSeconds  the TTFT bound
 * @param ttftQuantile the share of requests that must meet it, e.g. 0.95 for p95
 * @param itlSeconds   the bound on mean inter-token latency
 */
public record LatencyObjective(double ttftSeconds, double ttftQuantile, double itlSeconds) {

    public LatencyObjective {
        if (!(ttftSeconds > 0) || !Double.isFinite(ttftSeconds)) {
            throw new IllegalArgumentException("LatencyObjective.ttftSeconds must be finite and > 0, was " + ttftSeconds);
        }
        if (!(ttftQuantile > 0 && ttftQuantile < 1)) {
            throw new IllegalArgumentException("LatencyObjective.ttftQuantile must be in (0, 1), was " + ttftQuantile);
        }
        if (!(itlSeconds > 0) || !Double.isFinite(itlSeconds)) {
            throw new IllegalArgumentException("LatencyObjective.itlSeconds must be finite and > 0, was " + itlSeconds);
        }
    }

    /** TTFT p95 ≤ 2 s and mean ITL ≤ 100 ms: the evaluation's default SLO, with TTFT at p95. */
    public static LatencyObjective defaults() {
        return new LatencyObjective(2.0, 0.95, 0.1);
    }
}
