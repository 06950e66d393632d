package dev.headroom.autoscaler.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * At most {@code value} pods, or {@code value} per cent of the replicas at the start of the period, may be
 * added (or removed) within any {@code period}: the HPA's {@code HPAScalingPolicy}.
 *
 * @param type   pods or percent
 * @param value  how many pods, or which percentage; positive
 * @param period the sliding window the limit applies to; 1 s to 30 min, whole seconds (as the HPA)
 */
public record RatePolicy(Type type, int value, Duration period) {

    /** The unit of {@link #value()}. */
    public enum Type { PODS, PERCENT }

    /** The HPA's longest allowed period, 1800 s. */
    public static final Duration MAX_PERIOD = Duration.ofMinutes(30);

    public RatePolicy {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(period, "period");
        if (value <= 0) {
            throw new IllegalArgumentException("rate policy value must be positive, got " + value + " " + type);
        }
        if (period.compareTo(Duration.ofSeconds(1)) < 0 || period.compareTo(MAX_PERIOD) > 0
                || period.toNanos() % 1_000_000_000L != 0) {
            throw new IllegalArgumentException("rate policy period must be whole seconds from 1 s to 1800 s, got "
                    + period);
        }
    }

    public static RatePolicy pods(int value, Duration period) {
        return new RatePolicy(Type.PODS, value, period);
    }

    public static RatePolicy percent(int value, Duration period) {
        return new RatePolicy(Type.PERCENT, value, period);
    }
}
