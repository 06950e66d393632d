package dev.headroom.agent.sidecar;

import dev.headroom.agent.metrics.MetricFamily;
import dev.headroom.signals.Signal;

/**
 * One canonical signal as exported on {@code /q/metrics}: the name of its family and the family's description,
 * read from {@link MetricFamily}, where every
 * exported name, unit and description lives. The constants are the Micrometer meter names of the sidecar's
 * other families.
 *
 * <p>Conventions: {@code headroom_} prefix, snake_case, base units (seconds, ratios); a windowed latency quantile
 * is a per-pod gauge with the percentile in its name ({@code _p95_seconds}), and the distribution it comes from is
 * a histogram that adds up across pods.
 */
public record ExportedMetric(String name, String description) {

    public static final String ENGINE_UP = MetricFamily.ENGINE_UP.meterName();
    public static final String ENGINE_INFO = MetricFamily.ENGINE_INFO.meterName();
    public static final String SIGNALS_STALE = MetricFamily.SIGNALS_STALE.meterName();
    public static final String SAMPLE_AGE = MetricFamily.SAMPLE_AGE.meterName();
    public static final String SATURATION = MetricFamily.SATURATION.meterName();
    public static final String SATURATION_COMPOSITE = MetricFamily.SATURATION_COMPOSITE.meterName();
    public static final String SATURATION_TARGET = MetricFamily.SATURATION_TARGET.meterName();
    /** A counter: {@code /q/metrics} shows it as {@code headroom_scrapes_total}. */
    public static final String SCRAPES = MetricFamily.SCRAPES.meterName();
    public static final String SCRAPE_DURATION = MetricFamily.SCRAPE_DURATION.meterName();

    public static final String GPU_PROBE_UP = MetricFamily.GPU_PROBE_UP.meterName();
    public static final String GPU_MEMORY_USED = MetricFamily.GPU_MEMORY_USED.meterName();
    public static final String GPU_MEMORY_FREE = MetricFamily.GPU_MEMORY_FREE.meterName();
    public static final String GPU_MEMORY_TOTAL = MetricFamily.GPU_MEMORY_TOTAL.meterName();
    public static final String GPU_UTILIZATION = MetricFamily.GPU_UTILIZATION.meterName();
    public static final String GPU_MEMORY_UTILIZATION = MetricFamily.GPU_MEMORY_UTILIZATION.meterName();
    public static final String GPU_POWER = MetricFamily.GPU_POWER.meterName();
    public static final String GPU_TEMPERATURE = MetricFamily.GPU_TEMPERATURE.meterName();
    public static final String GPU_LOST = MetricFamily.GPU_LOST.meterName();

    /** How {@code signal} is exported on {@code /q/metrics}. */
    public static ExportedMetric of(Signal signal) {
        MetricFamily family = MetricFamily.of(signal);
        return new ExportedMetric(family.meterName(), family.description());
    }
}
