package dev.headroom.evaluation;

import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.cluster.Balancer;
import dev.headroom.simulator.trace.TimestampUnit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything that defines an evaluation run.
 *
 * @param trace                  a CSV or JSONL trace; empty for the bundled Azure conversation trace
 * @param engine                 each replica's engine
 * @param peakRate               sizing by rate (when {@code peakReplicas} is 0): the replay's rate is scaled
 *                               ({@code rateScaling}) so that its busiest {@code peakWindowSeconds} hold about this many requests/s
 * @param peakWindowSeconds      the span the peak is measured over
 * @param fromSeconds            start of the trace window used (trace seconds)
 * @param toSeconds              end of the trace window ({@code +Infinity}: to the end)
 * @param durationSeconds        the rescaled window is replayed end to end until this many seconds are filled; 0: one pass
 * @param coldStart              from a replica's request to its first served request
 * @param controlInterval        each policy decides this often (the HPA's sync period is 15 s)
 * @param scrapeInterval         sidecars read every replica's exposition this often; their signals turn stale
 *                               after three of them, as a sidecar's do by default
 * @param balancer               how requests are spread
 * @param maxReplicas            no policy may ask for more
 * @param slo                    what counts as served well
 * @param seed                   seeds the superposition of the trace (the oracle has no randomness)
 * @param threads                policies simulated at once
 * @param rateScaling            how the rate is scaled: superposed copies on the trace's clock, or time compression
 * @param jitterSeconds          width of the uniform jitter of each superposed copy (superposition only)
 * @param peakReplicas           sizing by replicas (the default): the rate is scaled so that the oracle's busiest
 *                               interval needs this many replicas ({@link PeakSizing}); 0 sizes by {@code peakRate}
 * @param timestampUnit          how a JSONL trace's timestamps are read: seconds, milliseconds, or detected
 */
public record ScenarioOptions(Optional<Path> trace, EngineConfig engine, double peakRate, double peakWindowSeconds,
        double fromSeconds, double toSeconds, double durationSeconds, Duration coldStart,
        Duration controlInterval, Duration scrapeInterval, Balancer balancer, int maxReplicas, Slo slo,
        long seed, int threads, RateScaling rateScaling, double jitterSeconds, int peakReplicas,
        TimestampUnit timestampUnit) {

    /**
     * The longest replay: a day. Every policy simulates each request of it, so a longer one (a typo, a week at a
     * peak of 70 req/s: 40 million requests) would run for hours and hold gigabytes before saying anything.
     */
    public static final double MAX_DURATION_SECONDS = 86_400;
    /** The longest cold start plus control interval: a stabilisation window's bound, which the lead defaults to. */
    static final Duration MAX_REACTION = Duration.ofHours(1);


    /** How the trace's rate reaches {@code peakRate}. */
    public enum RateScaling {
        /** Jittered copies of each arrival on the trace's own clock: the load changes at the trace's pace. */
        SUPERPOSE,
        /** Time compressed: every change of load also comes {@code k} times faster. */
        COMPRESS
    }

    public ScenarioOptions {
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(balancer, "balancer");
        Objects.requireNonNull(slo, "slo");
        Objects.requireNonNull(rateScaling, "rateScaling");
        positive("peak rate", peakRate);
        positive("peak window", peakWindowSeconds);
        if (!(durationSeconds >= 0) || !(durationSeconds <= MAX_DURATION_SECONDS)) {
            throw new IllegalArgumentException("duration must be 0 (one pass) to " + (int) MAX_DURATION_SECONDS
                    + " seconds (a day of simulated time), was " + durationSeconds);
        }
        if (!(jitterSeconds >= 0) || !Double.isFinite(jitterSeconds)) {
            throw new IllegalArgumentException("jitter must be finite and >= 0 seconds, was " + jitterSeconds);
        }
        positive("control interval", controlInterval);
        positive("scrape interval", scrapeInterval);
        if (scrapeInterval.multipliedBy(2).compareTo(Contender.SPAN) > 0) {
            // As the sidecar's own setting: a rate needs two samples within a window span.
            throw new IllegalArgumentException("scrape interval must be at most half the signals' " + Contender.SPAN
                    .toSeconds() + " s window, so that a window holds two samples to derive rates from; was "
                    + scrapeInterval.toMillis() / 1000.0 + " s");
        }
        Objects.requireNonNull(coldStart, "coldStart");
        if (coldStart.isNegative()) {
            throw new IllegalArgumentException("cold start must be >= 0, was " + coldStart);
        }
        if (coldStart.plus(controlInterval).compareTo(MAX_REACTION) > 0) {
            // Refused here, before the oracle's plan: later it surfaced as a stabilisation window nobody had set,
            // or, at years, as a replay that never ended.
            throw new IllegalArgumentException("cold start plus control interval must be at most " + MAX_REACTION
                    .toSeconds() + " s (Headroom's forecast lead and scale-down window default to their sum, and"
                    + " Kubernetes bounds a stabilisation window at an hour), was " + coldStart.toSeconds() + " s + "
                    + controlInterval.toMillis() / 1000.0 + " s");
        }
        if (!(fromSeconds >= 0) || !(toSeconds > fromSeconds)) {
            throw new IllegalArgumentException("trace window must satisfy 0 <= from < to, was " + fromSeconds + " to "
                    + toSeconds);
        }
        if (maxReplicas < 1 || maxReplicas > OraclePlan.SEARCH_LIMIT) {
            // GPU utilisation reads high with one request in flight, so the HPA baselines run at the maximum: a
            // hundred thousand simulated replicas would take hours, and the oracle searches no further than this.
            throw new IllegalArgumentException("max replicas must be 1 to " + OraclePlan.SEARCH_LIMIT + ", was "
                    + maxReplicas);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        }
        if (peakReplicas < 0) {
            throw new IllegalArgumentException("peak replicas must be >= 1 (or 0 to size by peak rate), was "
                    + peakReplicas);
        }
        if (peakReplicas > maxReplicas) {
            throw new IllegalArgumentException("peak replicas " + peakReplicas + " exceed max replicas " + maxReplicas
                    + ": the oracle could not have the peak it is sized for");
        }
        Objects.requireNonNull(timestampUnit, "timestampUnit");
    }

    /** Sized by {@code peakRate}, timestamps detected: the options as they were before sizing by replicas. */
    public ScenarioOptions(Optional<Path> trace, EngineConfig engine, double peakRate, double peakWindowSeconds,
            double fromSeconds, double toSeconds, double durationSeconds, Duration coldStart,
            Duration controlInterval, Duration scrapeInterval, Balancer balancer, int maxReplicas, Slo slo,
            long seed, int threads, RateScaling rateScaling, double jitterSeconds) {
        this(trace, engine, peakRate, peakWindowSeconds, fromSeconds, toSeconds, durationSeconds, coldStart,
                controlInterval, scrapeInterval, balancer, maxReplicas, slo, seed, threads, rateScaling, jitterSeconds,
                0, TimestampUnit.AUTO);
    }

    /** Whether the load is sized by the oracle's peak replicas rather than by a peak rate. */
    public boolean sizedByReplicas() {
        return peakReplicas > 0;
    }

    private static void positive(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be > 0, was " + d);
        }
    }

    private static void positive(String what, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " must be finite and > 0, was " + v);
        }
    }

    /**
     * The default scenario: the bundled Azure conversation trace, its full 58 minutes once, on its own clock,
     * its rate scaled by superposing jittered copies (±15 s, seeded) so that the oracle's busiest interval needs
     * 4 replicas ({@code peakRate} 70 is kept for sizing by rate); Llama-3.1-8B on one H100 per replica, 90 s cold
     * starts, decisions every 15 s, sidecars scraping every 5 s, least-requests balancing, at most 16
     * replicas, the default SLO, seed 1, two threads. {@link #compressed()} is the earlier, time-compressed
     * scenario.
     */
    public static final int DEFAULT_PEAK_REPLICAS = 4;

    public static ScenarioOptions defaults() {
        return new ScenarioOptions(Optional.empty(), EngineConfig.llama31_8bH100Arithmetic(), 70, 60, 0,
                Double.POSITIVE_INFINITY, 0, Duration.ofSeconds(90), Duration.ofSeconds(15), Duration.ofSeconds(5),
                Balancer.LEAST_REQUESTS, 16, Slo.defaults(), 1, 2,
                RateScaling.SUPERPOSE, 30, DEFAULT_PEAK_REPLICAS, TimestampUnit.AUTO);
    }

    /**
     * The earlier default, kept for comparison: the trace time-compressed (×9.2) to a 60 s peak of 70
     * requests/s and replayed end to end to fill 3600 s, so that its load changes nine times faster than
     * recorded.
     */
    public static ScenarioOptions compressed() {
        return defaults().withRateScaling(RateScaling.COMPRESS, 0).withDuration(3600).withPeak(70, 60);
    }

    public ScenarioOptions withTrace(Path path) {
        return copy(Optional.of(path), engine, peakRate, peakWindowSeconds, fromSeconds, toSeconds, durationSeconds,
                coldStart, controlInterval, scrapeInterval, balancer, maxReplicas, slo, seed,
                threads, rateScaling, jitterSeconds, peakReplicas, timestampUnit);
    }

    public ScenarioOptions withEngine(EngineConfig e) {
        return copy(trace, e, peakRate, peakWindowSeconds, fromSeconds, toSeconds, durationSeconds,
                coldStart, controlInterval, scrapeInterval, balancer, maxReplicas, slo, seed,
                threads, rateScaling, jitterSeconds, peakReplicas, timestampUnit);
    }

    /** Sized by rate: the busiest {@code windowSeconds} hold about {@code rate} requests/s. */
    public ScenarioOptions withPeak(double rate, double windowSeconds) {
        return copy(trace, engine, rate, windowSeconds, fromSeconds, toSeconds, durationSeconds,
                coldStart, controlInterval, scrapeInterval, balancer, maxReplicas, slo, seed,
                threads, rateScaling, jitterSeconds, 0, timestampUnit);
    }

    /** Sized by replicas: the oracle's busiest interval needs {@code replicas}. */
    public ScenarioOptions withPeakReplicas(int replicas) {
        if (replicas < 1) {
            throw new IllegalArgumentException("peak replicas must be >= 1, was " + replicas);
        }
        return copy(trace, engine, peakRate, peakWindowSeconds, fromSeconds, toSeconds, durationSeconds,
                coldStart, controlInterval, scrapeInterval, balancer, maxReplicas, slo, seed,
                threads, rateScaling, jitterSeconds, replicas, timestampUnit);
    }

    public ScenarioOptions withTimestampUnit(TimestampUnit unit) {
        return copy(trace, engine, peakRate, peakWindowSeconds, fromSeconds, toSeconds, durationSeconds,
                coldStart, controlInterval, scrapeInterval, balancer, maxReplicas, slo, seed,
                threads, rateScaling, jitterSeconds, peakReplicas, unit);
    }

    public ScenarioOptions withWindow(double from, double to) {
        return copy(trace, engine, peakRate, peakWindowSeconds, from, to, durationSeconds,
                coldStart, controlInterval, scrapeInterval, balancer, maxReplicas, slo, seed,
                threads, rateScaling, jitterSeconds, peakReplicas, timestampUnit);
    }

    /** Seconds simulated; 0 for one pass of the (rescaled) window. */
    public ScenarioOptions withDuration(double seconds) {
        return copy(trace, engine, peakRate, peakWindowSeconds, fromSeconds, toSeconds, seconds,
                coldStart, controlInterval, scrapeInterval, balancer, maxReplicas, slo, seed,
                threads, rateScaling, jitterSeconds, peakReplicas, timestampUnit);
    }

    public ScenarioOptions withCluster(Duration coldStart, Duration controlInterval, Duration scrapeInterval, Balancer b,
            int max) {
        return copy(trace, engine, peakRate, peakWindowSeconds, fromSeconds, toSeconds, durationSeconds,
                coldStart, controlInterval, scrapeInterval, b, max, slo, seed, threads, rateScaling, jitterSeconds, peakReplicas, timestampUnit);
    }

    public ScenarioOptions withSlo(Slo s) {
        return copy(trace, engine, peakRate, peakWindowSeconds, fromSeconds, toSeconds, durationSeconds,
                coldStart, controlInterval, scrapeInterval, balancer, maxReplicas, s, seed,
                threads, rateScaling, jitterSeconds, peakReplicas, timestampUnit);
    }

    public ScenarioOptions withSeed(long s) {
        return copy(trace, engine, peakRate, peakWindowSeconds, fromSeconds, toSeconds, durationSeconds,
                coldStart, controlInterval, scrapeInterval, balancer, maxReplicas, slo, s,
                threads, rateScaling, jitterSeconds, peakReplicas, timestampUnit);
    }

    public ScenarioOptions withThreads(int n) {
        return copy(trace, engine, peakRate, peakWindowSeconds, fromSeconds, toSeconds, durationSeconds,
                coldStart, controlInterval, scrapeInterval, balancer, maxReplicas, slo, seed, n,
                rateScaling, jitterSeconds, peakReplicas, timestampUnit);
    }

    /** How the rate is scaled, and the superposed copies' jitter. */
    public ScenarioOptions withRateScaling(RateScaling scaling, double jitter) {
        return copy(trace, engine, peakRate, peakWindowSeconds, fromSeconds, toSeconds, durationSeconds,
                coldStart, controlInterval, scrapeInterval, balancer, maxReplicas, slo, seed,
                threads, scaling, jitter, peakReplicas, timestampUnit);
    }

    private static ScenarioOptions copy(Optional<Path> trace, EngineConfig engine, double peakRate,
            double peakWindowSeconds, double fromSeconds, double toSeconds, double durationSeconds,
            Duration coldStart, Duration controlInterval, Duration scrapeInterval, Balancer balancer,
            int maxReplicas, Slo slo, long seed, int threads, RateScaling rateScaling, double jitterSeconds,
            int peakReplicas, TimestampUnit timestampUnit) {
        return new ScenarioOptions(trace, engine, peakRate, peakWindowSeconds, fromSeconds, toSeconds, durationSeconds,
                coldStart, controlInterval, scrapeInterval, balancer, maxReplicas, slo, seed,
                threads, rateScaling, jitterSeconds, peakReplicas, timestampUnit);
    }
}
