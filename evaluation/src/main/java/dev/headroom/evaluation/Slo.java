package dev.headroom.evaluation;

/**
 * The service-level objective a run is judged by: a request meets it when its time to first token (from
 * arrival at the cluster) is at most {@code ttftSeconds} and its mean inter-token latency at most
 * {@code itlSeconds}; the run meets it when at least {@code attainmentTarget} of its requests do.
 */
public record Slo(double ttftSeconds, double itlSeconds, double attainmentTarget) {

    public Slo {
        if (!(ttftSeconds > 0) || !Double.isFinite(ttftSeconds)) {
            throw new IllegalArgumentException("SLO TTFT must be finite and > 0 seconds, was " + ttftSeconds);
        }
        if (!(itlSeconds > 0) || !Double.isFinite(itlSeconds)) {
            throw new IllegalArgumentException("SLO ITL must be finite and > 0 seconds, was " + itlSeconds);
        }
        if (!(attainmentTarget > 0) || !(attainmentTarget <= 1)) {
            throw new IllegalArgumentException("SLO attainment target must be in (0, 1], was " + attainmentTarget);
        }
    }

    /** TTFT ≤ 2 s, ITL ≤ 100 ms, for 99 % of requests. */
    public static Slo defaults() {
        return new Slo(2.0, 0.1, 0.99);
    }
}
