package dev.headroom.simulator.trace;

import java.util.Locale;

/**
 * How a trace's numeric timestamps are read. Public traces differ: Mooncake's JSONL counts milliseconds,
 * others count seconds, and reading one as the other scales the load by a thousand without a word.
 */
public enum TimestampUnit {
    /** Decided from the values ({@link #detect}); the choice and its reason are kept with the trace. */
    AUTO,
    SECONDS,
    MILLISECONDS;

    /** Above this mean rate (requests/s, over the whole span) a reading in milliseconds is taken to be wrong. */
    public static final double IMPLAUSIBLE_MEAN_RATE = 1000;

    /** {@code s}, {@code ms} or {@code auto}, as an option takes it. */
    public static TimestampUnit parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "s", "seconds" -> SECONDS;
            case "ms", "milliseconds" -> MILLISECONDS;
            case "auto" -> AUTO;
            default -> throw new IllegalArgumentException("timestamp unit must be s, ms or auto, was '" + text + "'");
        };
    }

    /** Nanoseconds in one unit. */
    long nanos() {
        return this == SECONDS ? 1_000_000_000L : 1_000_000L;
    }

    /**
     * The unit of {@code n} timestamps from {@code min} to {@code max}, with why, in words:
     * <ul>
     *   <li>an epoch in milliseconds ({@code min ≥ 10¹¹}: as seconds it would lie after the year 5000);</li>
     *   <li>an epoch in seconds ({@code 10⁸ ≤ min < 10¹¹}: as milliseconds it would lie in the first days of
     *       1970);</li>
     *   <li>otherwise relative times: seconds when some timestamp has a fraction (millisecond traces hold whole
     *       numbers; a seconds trace rounded to milliseconds does not) or when the trace would average more than
     *       {@value #IMPLAUSIBLE_MEAN_RATE} requests/s as milliseconds; else milliseconds (the JSONL
     *       convention).</li>
     * </ul>
     * A slow trace in whole seconds (under one request per second) still reads as a plausible trace in
     * milliseconds, so the rule cannot tell them apart: the reason names both readings, and
     * {@code --timestamp-unit} decides.
     *
     * @param fractional whether any timestamp is not a whole number
     */
    public static Reading detect(double min, double max, int n, boolean fractional) {
        if (min >= 1e11) {
            return new Reading(MILLISECONDS, "detected: epoch milliseconds (the first, " + plain(min)
                    + ", as seconds would be after the year 5000)");
        }
        if (min >= 1e8) {
            return new Reading(SECONDS, "detected: epoch seconds (the first, " + plain(min)
                    + ", as milliseconds would be in January 1970)");
        }
        double span = max - min;
        if (n < 2 || !(span > 0)) {
            return new Reading(MILLISECONDS, "milliseconds, the JSONL convention (too few distinct times to detect)");
        }
        double asMs = (n - 1) / (span / 1000);
        double asS = (n - 1) / span;
        String both = String.format(Locale.ROOT, "as milliseconds the trace would average %.4g req/s over %.4g s, as"
                + " seconds %.4g req/s over %.4g s", asMs, span / 1000, asS, span);
        if (fractional && asS <= IMPLAUSIBLE_MEAN_RATE) {
            return new Reading(SECONDS, "detected: seconds (fractions of a unit, which millisecond traces do not"
                    + " carry; " + both + "; set --timestamp-unit ms if they are milliseconds)");
        }
        if (asMs > IMPLAUSIBLE_MEAN_RATE) {
            return new Reading(SECONDS, "detected: seconds (" + both + "; over " + (int) IMPLAUSIBLE_MEAN_RATE
                    + " req/s is taken as implausible)");
        }
        return new Reading(MILLISECONDS, "detected: milliseconds (" + both + "; set --timestamp-unit s if they are"
                + " seconds)");
    }

    private static String plain(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.valueOf(v);
    }

    /**
     * The unit a trace was read in, and how it was chosen.
     *
     * @param unit SECONDS or MILLISECONDS
     * @param how  in words, for the report
     */
    public record Reading(TimestampUnit unit, String how) {
        public Reading {
            if (unit == AUTO) {
                throw new IllegalArgumentException("a reading has a definite unit, not AUTO");
            }
            java.util.Objects.requireNonNull(how, "how");
        }
    }
}
