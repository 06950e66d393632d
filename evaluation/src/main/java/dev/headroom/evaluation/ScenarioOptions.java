package dev.headroom.evaluation;

import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.cluster.Balancer;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything that defines an evaluation run.
 *
 * @param trace                  a CSV or JSONL trace; empty for the bundled Azure conversation trace
 * @param engine                 each replica's engine
 * @param peakRate               the replay is time-compressed so that its busiest {@code peakWindowSeconds} hold this many requests/s
 * @param peakWindowSeconds      the span the peak is measured over
 * @param fromSeconds            start of the trace window used (trace seconds)
 * @param toSeconds              end of the trace window ({@code +Infinity}: to the end)
 * @param durationSeconds        the compressed window is replayed end to end until this many seconds are filled
 * @param coldStartSeconds       from a replica's request to its first served request
 * @param controlIntervalSeconds each policy decides this often (the HPA's sync period is 15 s)
 * @param scrapeIntervalSeconds  sidecars read every replica's exposition this often
 * @param balancer               how requests are spread
 * @param maxReplicas            no policy may ask for more
 * @param slo                    what counts as served well
 * @param seed                   seeds the oracle's capacity probe (the replay itself has no randomness)
 * @param threads                policies simulated at once
 */
public record ScenarioOptions(Optional<Path> trace, EngineConfig engine, double peakRate, double peakWindowSeconds,
        double fromSeconds, double toSeconds, double durationSeconds, double coldStartSeconds,
        double controlIntervalSeconds, double scrapeIntervalSeconds, Balancer balancer, int maxReplicas, Slo slo,
        long seed, int threads) {

    public ScenarioOptions {
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(balancer, "balancer");
        Objects.requireNonNull(slo, "slo");
        positive("peak rate", peakRate);
        positive("peak window", peakWindowSeconds);
        positive("duration", durationSeconds);
        positive("control interval", controlIntervalSeconds);
        positive("scrape interval", scrapeIntervalSeconds);
        if (!(coldStartSeconds >= 0) || !Double.isFinite(coldStartSeconds)) {
            throw new IllegalArgumentException("cold start must be finite and >= 0 seconds, was " + coldStartSeconds);
        }
        if (!(fromSeconds >= 0) || !(toSeconds > fromSeconds)) {
            throw new IllegalArgumentException("trace window must satisfy 0 <= from < to, was " + fromSeconds + " to "
                    + toSeconds);
        }
        if (maxReplicas < 1) {
            throw new IllegalArgumentException("max replicas must be >= 1, was " + maxReplicas);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        }
    }

    private static void positive(String what, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " must be finite and > 0, was " + v);
        }
    }

    /**
     * The default scenario: the bundled Azure conversation trace (58 min), compressed to a 60 s peak of
     * 70 requests/s and replayed to fill one hour, Llama-3.1-8B on one H100 per replica, 90 s cold starts,
     * decisions every 15 s, sidecars scraping every 5 s, least-requests balancing, at most 16 replicas, the
     * default SLO, seed 1, two threads.
     */
    public static ScenarioOptions defaults() {
        return new ScenarioOptions(Optional.empty(), EngineConfig.llama31_8bH100(), 70, 60, 0,
                Double.POSITIVE_INFINITY, 3600, 90, 15, 5, Balancer.LEAST_REQUESTS, 16, Slo.defaults(), 1, 2);
    }

    public ScenarioOptions withTrace(Path path) {
        return new ScenarioOptions(Optional.of(path), engine, peakRate, peakWindowSeconds, fromSeconds, toSeconds,
                durationSeconds, coldStartSeconds, controlIntervalSeconds, scrapeIntervalSeconds, balancer, maxReplicas,
                slo, seed, threads);
    }

    public ScenarioOptions withEngine(EngineConfig e) {
        return new ScenarioOptions(trace, e, peakRate, peakWindowSeconds, fromSeconds, toSeconds, durationSeconds,
                coldStartSeconds, controlIntervalSeconds, scrapeIntervalSeconds, balancer, maxReplicas, slo, seed,
                threads);
    }

    public ScenarioOptions withPeak(double rate, double windowSeconds) {
        return new ScenarioOptions(trace, engine, rate, windowSeconds, fromSeconds, toSeconds, durationSeconds,
                coldStartSeconds, controlIntervalSeconds, scrapeIntervalSeconds, balancer, maxReplicas, slo, seed,
                threads);
    }

    public ScenarioOptions withWindow(double from, double to) {
        return new ScenarioOptions(trace, engine, peakRate, peakWindowSeconds, from, to, durationSeconds,
                coldStartSeconds, controlIntervalSeconds, scrapeIntervalSeconds, balancer, maxReplicas, slo, seed,
                threads);
    }

    public ScenarioOptions withDuration(double seconds) {
        return new ScenarioOptions(trace, engine, peakRate, peakWindowSeconds, fromSeconds, toSeconds, seconds,
                coldStartSeconds, controlIntervalSeconds, scrapeIntervalSeconds, balancer, maxReplicas, slo, seed,
                threads);
    }

    public ScenarioOptions withCluster(double coldStart, double controlInterval, double scrapeInterval, Balancer b,
            int max) {
        return new ScenarioOptions(trace, engine, peakRate, peakWindowSeconds, fromSeconds, toSeconds, durationSeconds,
                coldStart, controlInterval, scrapeInterval, b, max, slo, seed, threads);
    }

    public ScenarioOptions withSlo(Slo s) {
        return new ScenarioOptions(trace, engine, peakRate, peakWindowSeconds, fromSeconds, toSeconds, durationSeconds,
                coldStartSeconds, controlIntervalSeconds, scrapeIntervalSeconds, balancer, maxReplicas, s, seed,
                threads);
    }

    public ScenarioOptions withSeed(long s) {
        return new ScenarioOptions(trace, engine, peakRate, peakWindowSeconds, fromSeconds, toSeconds, durationSeconds,
                coldStartSeconds, controlIntervalSeconds, scrapeIntervalSeconds, balancer, maxReplicas, slo, s,
                threads);
    }

    public ScenarioOptions withThreads(int n) {
        return new ScenarioOptions(trace, engine, peakRate, peakWindowSeconds, fromSeconds, toSeconds, durationSeconds,
                coldStartSeconds, controlIntervalSeconds, scrapeIntervalSeconds, balancer, maxReplicas, slo, seed, n);
    }
}
