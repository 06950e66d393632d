package dev.headroom.agent.sidecar;

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
        meters.add(Gauge.builder(ExportedMetric.GPU_PROBE_UP, latest, r -> r.get() == null ? 0 : r.get().up())
                .description("1 when the GPU source (NVML or a DCGM exporter) answered the last poll, else 0")
                .tag("source", source)
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
            register(d, ExportedMetric.GPU_MEMORY_USED, "GPU memory in use", "bytes", GpuDevice::memoryUsedBytes);
            register(d, ExportedMetric.GPU_MEMORY_FREE, "GPU memory free", "bytes", GpuDevice::memoryFreeBytes);
            register(d, ExportedMetric.GPU_MEMORY_TOTAL, "GPU memory in all", "bytes", GpuDevice::memoryTotalBytes);
            register(d, ExportedMetric.GPU_UTILIZATION, "Share of time a kernel ran (what nvidia-smi shows); not a measure of headroom", null, GpuDevice::gpuUtilization);
            register(d, ExportedMetric.GPU_MEMORY_UTILIZATION, "Share of time device memory was read or written", null, GpuDevice::memoryUtilization);
            register(d, ExportedMetric.GPU_POWER, "Power draw", null, GpuDevice::powerWatts);
            register(d, ExportedMetric.GPU_TEMPERATURE, "GPU temperature", null, GpuDevice::temperatureCelsius);
            String lostKey = ExportedMetric.GPU_LOST + d.uuid();
            if (registered.add(lostKey)) {
                String uuid = d.uuid();
                meters.add(Gauge.builder(ExportedMetric.GPU_LOST, latest, r -> device(r, uuid)
                                .map(x -> x.status() == DeviceStatus.LOST ? 1.0 : 0.0).orElse(Double.NaN))
                        .description("1 when the GPU stopped answering (NVML GPU_IS_LOST)")
                        .tags(tags(d))
                        .register(registry));
            }
        }
    }

    private void register(GpuDevice d, String name, String description, String unit, Function<GpuDevice, OptionalDouble> field) {
        if (field.apply(d).isEmpty() || !registered.add(name + d.uuid())) {
            return;
        }
        String uuid = d.uuid();
        Gauge.Builder<AtomicReference<GpuReading>> gauge = Gauge.builder(name, latest, r -> device(r, uuid)
                        .map(x -> field.apply(x).orElse(Double.NaN)).orElse(Double.NaN))
                .description(description + " (NaN when no longer reported)")
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
