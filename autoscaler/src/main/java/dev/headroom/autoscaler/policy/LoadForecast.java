package dev.headroom.autoscaler.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * How far ahead the load signals are carried before they are compared with their targets.
 *
 * <p>A replica asked for now serves only after its cold start (pulling the image, loading the weights, warming
 * the engine): for an LLM that is minutes. A reactive policy therefore needs room for the load that arrives
 * during that time; a static margin (a lower target) pays for it at every hour of the day, also when the load
 * is flat or falling. With a lead time, each summed load signal's workload total is fitted by a straight
 * line over the last {@code trendWindow} (or over its recent half, where the rise has clearly bent: a step that
 * stayed is not a rise that goes on) and carried {@code leadTime} ahead; when that forecast is above the
 * reading, the signal asks for the fewest replicas that keep the forecast within the scale-up tolerance of
 * its target ({@link SignalOutcome#FORECAST}). Only a rising trend acts, and only upwards: a falling one is
 * left to the reading and the scale-down window. The HPA has no such step; a lead time of zero (the default)
 * leaves the HPA's arithmetic unchanged.
 *
 * @param leadTime    how far ahead to carry the trend: a replica's cold start plus one decision interval is the
 *                    natural value; zero turns the forecast off (0 to 1 h)
 * @param trendWindow how much history the line is fitted to (30 s to 1 h): longer is steadier, shorter follows
 *                    a turn sooner; a fit needs readings spanning at least half of it
 */
public record LoadForecast(Duration leadTime, Duration trendWindow) {

    private static final Duration MAX = Duration.ofHours(1);
    private static final Duration MIN_TREND_WINDOW = Duration.ofSeconds(30);

    /** The default trend window: five minutes, long against the noise of 30 s rates, short against a ramp. */
    public static final int DEFAULT_TREND_WINDOW_SECONDS = 300;
    /** {@link #DEFAULT_TREND_WINDOW_SECONDS} as a duration. */
    public static final Duration DEFAULT_TREND_WINDOW = Duration.ofSeconds(DEFAULT_TREND_WINDOW_SECONDS);
    /** No forecast: the HPA's behaviour. */
    public static final LoadForecast OFF = new LoadForecast(Duration.ZERO, DEFAULT_TREND_WINDOW);

    public LoadForecast {
        Objects.requireNonNull(leadTime, "leadTime");
        Objects.requireNonNull(trendWindow, "trendWindow");
        if (leadTime.isNegative() || leadTime.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("forecast lead time must be 0 to 3600 s, got " + leadTime.toSeconds()
                    + " s");
        }
        if (trendWindow.compareTo(MIN_TREND_WINDOW) < 0 || trendWindow.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("forecast trend window must be 30 to 3600 s, got "
                    + trendWindow.toSeconds() + " s");
        }
    }

    /** A forecast {@code leadTime} ahead over the default trend window. */
    public static LoadForecast ahead(Duration leadTime) {
        return new LoadForecast(leadTime, DEFAULT_TREND_WINDOW);
    }

    /** Whether a forecast is made at all (a lead time above zero). */
    public boolean enabled() {
        return !leadTime.isZero();
    }
}
