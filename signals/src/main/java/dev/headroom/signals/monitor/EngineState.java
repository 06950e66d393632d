package dev.headroom.signals.monitor;

import dev.headroom.signals.Saturation;
import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signals;
import dev.headroom.collectors.engine.EngineSample;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a monitor knows of its engine at one instant: the last scrape's outcome, the signals over the window
 * and their saturation. Immutable; the exporters (JSON, Prometheus, OTLP) only read it.
 *
 * @param engineUrl   the scraped URL
 * @param engineUp    whether the last scrape returned a readable payload
 * @param lastScrape  the last scrape's outcome, empty before the first one
 * @param signals     the window's signals (stale, and all unknown, when there is no fresh data)
 * @param saturation  each signal against its target, and the composite
 * @param targets     the targets used
 * @param scrapesOk   scrapes that returned a sample since start
 * @param scrapesFailed scrapes that did not
 * @param latestSample the window's newest sample (the engine's own cumulative counters and histograms, e.g. for
 *                     re-publishing them over OTLP); empty before the first sample and whenever the signals are
 *                     stale, so that an old reading is never presented as the engine's current one
 */
public record EngineState(
        URI engineUrl,
        boolean engineUp,
        Optional<LastScrape> lastScrape,
        Signals signals,
        Saturation saturation,
        SaturationTargets targets,
        long scrapesOk,
        long scrapesFailed,
        Optional<EngineSample> latestSample) {

    public EngineState {
        Objects.requireNonNull(signals, "signals");
        Objects.requireNonNull(latestSample, "latestSample");
        if (signals.stale() && latestSample.isPresent()) {
            throw new IllegalArgumentException("a stale state carries no latest sample (it would pass for current)");
        }
    }

    /**
     * @param at       when the scrape started
     * @param outcome  {@code ok}, or the failure kind in lower case (e.g. {@code timeout}, {@code metrics_disabled})
     * @param message  empty when ok; otherwise what went wrong, where, and a hint
     * @param took     how long the scrape took
     * @param dialect  the dialect that read the payload, when ok
     */
    public record LastScrape(Instant at, String outcome, String message, Duration took, String dialect) {
        public boolean ok() {
            return "ok".equals(outcome);
        }
    }
}
