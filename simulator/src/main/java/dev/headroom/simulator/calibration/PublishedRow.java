package dev.headroom.simulator.calibration;

import java.util.Objects;

/**
 * One published measurement of Llama-3(.1)-8B on one H100 and the condition it was taken under, as the
 * simulator replays it.
 *
 * @param source    where the figure was published
 * @param condition the workload in words
 * @param load      how requests arrive: a Poisson rate, all at once, or one batch
 * @param lengths   prompt and output lengths
 * @param metric    what was measured
 * @param published the published value, in the metric's unit (seconds or requests/s)
 * @param role      whether the preset was fitted to this row or it is held out to confirm the fit
 * @param tolerance how far simulated ÷ published may be from 1 for this row (0.15 unless the row says why not)
 * @param note      why a row's tolerance is wider, or empty
 */
public record PublishedRow(String source, String condition, Load load, Lengths lengths, Metric metric,
        double published, Role role, double tolerance, String note) {

    /** The default tolerance: ±15 %. */
    public static final double TOLERANCE = 0.15;

    public PublishedRow {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(load, "load");
        Objects.requireNonNull(lengths, "lengths");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(note, "note");
        if (!(tolerance > 0 && tolerance < 1)) {
            throw new IllegalArgumentException("PublishedRow.tolerance must be in (0, 1), was " + tolerance);
        }
        if (tolerance > TOLERANCE && note.isBlank()) {
            throw new IllegalArgumentException("PublishedRow " + condition + ": a tolerance wider than ±15 % needs a note"
                    + " saying why");
        }
        if (!(published > 0) || !Double.isFinite(published)) {
            throw new IllegalArgumentException("PublishedRow.published must be finite and > 0, was " + published);
        }
    }

    /** A row held to ±15 %. */
    public PublishedRow(String source, String condition, Load load, Lengths lengths, Metric metric, double published,
            Role role) {
        this(source, condition, load, lengths, metric, published, role, TOLERANCE, "");
    }

    /** The same row with a wider tolerance, and why. */
    public PublishedRow widened(double tolerance, String note) {
        return new PublishedRow(source, condition, load, lengths, metric, published, role, tolerance, note);
    }

    /** What the benchmark reports. */
    public enum Metric {
        /** Mean over requests of (latency − TTFT) ÷ (output − 1), seconds: vLLM's {@code mean_tpot_ms}. */
        MEAN_TPOT("mean TPOT", "ms", 1e3),
        /** Mean end-to-end request latency, seconds. */
        MEAN_LATENCY("mean latency", "s", 1),
        /** Requests completed ÷ time until the last one finished, requests/s. */
        THROUGHPUT("throughput", "req/s", 1),
        /** Time until every request of one batch has finished, seconds: {@code benchmark_latency}. */
        BATCH_LATENCY("batch latency", "ms", 1e3);

        private final String label;
        private final String unit;
        private final double scale;

        Metric(String label, String unit, double scale) {
            this.label = label;
            this.unit = unit;
            this.scale = scale;
        }

        public String label() {
            return label;
        }

        public String unit() {
            return unit;
        }

        /** The value in this metric's display unit. */
        public double display(double value) {
            return value * scale;
        }
    }

    /** Whether a row was used to choose the coefficients. */
    public enum Role { FIT, HELD_OUT }

    /**
     * How many requests arrive and when.
     *
     * @param ratePerSecond Poisson rate; {@code +∞} means all at once at time 0
     * @param requests      how many requests the benchmark sends
     */
    public record Load(double ratePerSecond, int requests) {
        public Load {
            if (!(ratePerSecond > 0) || requests < 1) {
                throw new IllegalArgumentException("Load needs a rate > 0 and requests >= 1, were " + ratePerSecond
                        + " and " + requests);
            }
        }

        public static Load poisson(double rate, int requests) {
            return new Load(rate, requests);
        }

        public static Load allAtOnce(int requests) {
            return new Load(Double.POSITIVE_INFINITY, requests);
        }

        public boolean allAtOnce() {
            return ratePerSecond == Double.POSITIVE_INFINITY;
        }
    }

    /**
     * Request lengths: fixed, or ShareGPT-like (log-normal with the given means, see {@link Calibration}).
     *
     * @param meanPrompt mean prompt tokens
     * @param meanOutput mean output tokens
     * @param shareGptLike log-normal lengths when true, every request exactly the means when false
     */
    public record Lengths(int meanPrompt, int meanOutput, boolean shareGptLike) {
        public Lengths {
            if (meanPrompt < 1 || meanOutput < 1) {
                throw new IllegalArgumentException("Lengths need means >= 1, were " + meanPrompt + " and " + meanOutput);
            }
        }

        public static Lengths fixed(int prompt, int output) {
            return new Lengths(prompt, output, false);
        }

        public static Lengths shareGpt(int meanPrompt, int meanOutput) {
            return new Lengths(meanPrompt, meanOutput, true);
        }
    }
}
