package dev.headroom.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;

import java.util.function.ToDoubleFunction;

/**
 * Micrometer builders for a row of {@link MetricFamily}: its meter name, help text and base unit, so that no
 * exporter types them again. The caller adds the labels and registers.
 */
public final class MicrometerFamilies {

    private MicrometerFamilies() {
    }

    /** A gauge of {@code family} reading {@code state}, which the caller must hold strongly (Micrometer does not). */
    public static <T> Gauge.Builder<T> gauge(MetricFamily family, T state, ToDoubleFunction<T> value) {
        requireType(family, MetricFamily.Type.GAUGE);
        return Gauge.builder(family.meterName(), state, value).description(family.help()).baseUnit(family.baseUnit());
    }

    /** A counter of {@code family}; {@code /q/metrics} shows it with {@code _total}. */
    public static Counter.Builder counter(MetricFamily family) {
        requireType(family, MetricFamily.Type.COUNTER);
        return Counter.builder(family.meterName()).description(family.help()).baseUnit(family.baseUnit());
    }

    private static void requireType(MetricFamily family, MetricFamily.Type type) {
        if (family.type() != type) {
            throw new IllegalArgumentException(family + " is a " + family.type() + ", not a " + type);
        }
    }
}
