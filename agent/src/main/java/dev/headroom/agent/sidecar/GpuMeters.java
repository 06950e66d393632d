package dev.headroom.agent.sidecar;

import dev.headroom.agent.metrics.MetricFamily;
import dev.headroom.agent.metrics.MicrometerFamilies;
import dev.headroom.collectors.gpu.DeviceStatus;
import dev.headroom.collectors.gpu.GpuDevice;
import dev.headroom.collectors.gpu.GpuReading;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Publishes GPU readings per device (labels {@code gpu}, {@code uuid}, {@code model}). A field a device does not
 * report is never registered; one that goes missing later reads {@code NaN}. Reported beside saturation, never
 * part of it.
 */
public final class GpuMeters {

    private final MeterRegistry registry;
    private final String source;
    private final AtomicReference<GpuReading> latest = new AtomicReference<>();
    private final Set<String> registered = new HashSet<>();
    private final List<Meter> meters = new ArrayList<>();

    public GpuMeters(MeterRegistry registry, String source) {
        this.registry = registry;
        this.source = source;
        meters.add(MicrometerFamilies.gauge(MetricFamily.GPU_PROBE_UP, latest, r -> r.get() == null ? 0 : r.get().up())
                .tag(MetricFamily.Labels.SOURCE, source)
                .register(registry));
    }

    /** Removes every meter this object registered (see {@link SignalMeters#close()}). */
    public synchronized void close() {
        meters.forEach(registry::remove);
        meters.clear();
        registered.clear();
    }

    public String source() {
        return source;
    }

    /** Called after every poll, from the scraping thread. */
    public synchronized void update(GpuReading reading) {
        latest.set(reading);
        for (GpuDevice d : reading.devices()) {
            register(d, MetricFamily.GPU_MEMORY_USED, GpuDevice::memoryUsedBytes);
            register(d, MetricFamily.GPU_MEMORY_FREE, GpuDevice::memoryFreeBytes);
            register(d, MetricFamily.GPU_MEMORY_TOTAL, GpuDevice::memoryTotalBytes);
            register(d, MetricFamily.GPU_UTILIZATION, GpuDevice::gpuUtilization);
            register(d, MetricFamily.GPU_MEMORY_UTILIZATION, GpuDevice::memoryUtilization);
            register(d, MetricFamily.GPU_POWER, GpuDevice::powerWatts);
            register(d, MetricFamily.GPU_TEMPERATURE, GpuDevice::temperatureCelsius);
            String lostKey = MetricFamily.GPU_LOST.meterName() + d.uuid();
            if (registered.add(lostKey)) {
                String uuid = d.uuid();
                meters.add(MicrometerFamilies.gauge(MetricFamily.GPU_LOST, latest, r -> device(r, uuid)
                                .map(x -> x.status() == DeviceStatus.LOST ? 1.0 : 0.0).orElse(Double.NaN))
                        .tags(tags(d))
                        .register(registry));
            }
        }
    }

    private void register(GpuDevice d, MetricFamily family, Function<GpuDevice, OptionalDouble> field) {
        if (field.apply(d).isEmpty() || !registered.add(family.meterName() + d.uuid())) {
            return;
        }
        String uuid = d.uuid();
        Gauge.Builder<AtomicReference<GpuReading>> gauge = MicrometerFamilies.gauge(family, latest, r -> device(r, uuid)
                        .map(x -> field.apply(x).orElse(Double.NaN)).orElse(Double.NaN))
                .tags(tags(d));
        meters.add(gauge.register(registry));
    }

    private static java.util.Optional<GpuDevice> device(AtomicReference<GpuReading> ref, String uuid) {
        GpuReading r = ref.get();
        return r == null ? java.util.Optional.empty() : r.device(uuid);
    }

    private static Tags tags(GpuDevice d) {
        return Tags.of("gpu", d.index() < 0 ? "unknown" : Integer.toString(d.index()), "uuid", d.uuid(), "model", d.name());
    }
}
