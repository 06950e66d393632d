package dev.headroom.collectors.gpu;

import dev.headroom.collectors.engine.DialectRegistry;
import dev.headroom.collectors.engine.SampleReader;
import dev.headroom.collectors.exposition.Exposition;
import dev.headroom.collectors.exposition.ExpositionException;
import dev.headroom.collectors.exposition.FamilyFilter;
import dev.headroom.collectors.exposition.MetricFamily;
import dev.headroom.collectors.exposition.Sample;
import dev.headroom.collectors.scrape.Fetch;
import dev.headroom.collectors.scrape.ScrapeConfig;
import dev.headroom.collectors.scrape.Scraper;
import java.net.URI;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.Set;

/**
 * Reads GPUs from a DCGM exporter's {@code /metrics} (port 9400 by default), for clusters that already run it and
 * give the agent no NVML access.
 *
 * <p>Families read, and their units: {@code DCGM_FI_DEV_FB_USED}, {@code _FB_FREE}, {@code _FB_TOTAL} (MiB, turned
 * into bytes); {@code DCGM_FI_DEV_GPU_UTIL}, {@code _MEM_COPY_UTIL} (%, turned into ratios);
 * {@code DCGM_FI_DEV_POWER_USAGE} (W); {@code DCGM_FI_DEV_GPU_TEMP} (°C); {@code DCGM_FI_PROF_GR_ENGINE_ACTIVE}
 * (already a ratio). A sample belongs to the device its {@code UUID} label names (or, without one, its
 * {@code gpu} label); a sample with neither cannot be placed and is skipped. {@code gpu} gives the index and
 * {@code modelName} the name. DCGM's "blank" sentinels (no value for that field) are dropped, so the field is
 * absent rather than a huge number; so is a percentage outside 0..100.
 *
 * <p>Fetching is the scraper's, bounded in time and size; a failed fetch or a payload that is not exposition text
 * is a {@link ProbeState#FAILED} reading naming the endpoint, and the next poll tries again. Parsing is the
 * scraper's {@link SampleReader}'s parse step (same limits, same content-type rule): DCGM's devices are no engine
 * sample, so the probe takes the families itself rather than posing as a dialect. Polls are serialised.
 */
public final class DcgmExporterProbe implements GpuProbe {

    public static final String SOURCE = "dcgm";

    static final String FB_USED = "DCGM_FI_DEV_FB_USED";
    static final String FB_FREE = "DCGM_FI_DEV_FB_FREE";
    static final String FB_TOTAL = "DCGM_FI_DEV_FB_TOTAL";
    static final String GPU_UTIL = "DCGM_FI_DEV_GPU_UTIL";
    static final String MEM_COPY_UTIL = "DCGM_FI_DEV_MEM_COPY_UTIL";
    static final String POWER_USAGE = "DCGM_FI_DEV_POWER_USAGE";
    static final String GPU_TEMP = "DCGM_FI_DEV_GPU_TEMP";
    static final String GR_ENGINE_ACTIVE = "DCGM_FI_PROF_GR_ENGINE_ACTIVE";

    /** Every family the probe reads; the parser builds nothing for the rest. */
    public static final Set<String> FAMILIES = Set.of(FB_USED, FB_FREE, FB_TOTAL, GPU_UTIL, MEM_COPY_UTIL,
            POWER_USAGE, GPU_TEMP, GR_ENGINE_ACTIVE);

    private static final double MIB = 1024.0 * 1024.0;
    /** DCGM_INT32_BLANK (0x7ffffff0) up to INT32_MAX: the int32 "no value" markers. */
    private static final double INT32_BLANK = 0x7ffffff0;
    private static final double INT32_MAX = Integer.MAX_VALUE;
    /** DCGM_FP64_BLANK (2^47 = 1.40737488355328e14); DCGM_INT64_BLANK (≈ 9.2e18) lies above it. */
    private static final double FP64_BLANK = 140737488355328.0;

    private final URI url;
    private final DeviceVisibility visibility;
    /** The engine's own devices, asked at every poll (they may become known after the probe opens). */
    private final Supplier<DeviceScope> engineDevices;
    private final InstantSource clock;
    private final Scraper scraper;
    private final FamilyFilter filter = FAMILIES::contains;
    private final Object lock = new Object();
    private volatile ProbeState state = ProbeState.AVAILABLE;
    private volatile String message;
    private boolean closed;

    public DcgmExporterProbe(ScrapeConfig config, DeviceVisibility visibility, InstantSource clock) {
        this(config, visibility, () -> DeviceScope.ALL, clock);
    }

    /**
     * Reports only the devices both {@code visibility} and {@code engineDevices} allow; while {@code engineDevices}
     * answers unknown, polls answer {@link ProbeState#DEVICES_UNKNOWN} without scraping.
     */
    public DcgmExporterProbe(ScrapeConfig config, DeviceVisibility visibility, Supplier<DeviceScope> engineDevices,
            InstantSource clock) {
        Objects.requireNonNull(config, "config");
        this.url = config.url();
        this.visibility = Objects.requireNonNull(visibility, "visibility");
        this.engineDevices = Objects.requireNonNull(engineDevices, "engineDevices");
        this.clock = Objects.requireNonNull(clock, "clock");
        // fetch() and the reader's parse step only: no engine dialect is involved, so the registry is empty.
        this.scraper = new Scraper(config, DialectRegistry.of(), clock);
        this.message = "DCGM exporter " + url + " not polled yet";
    }

    /** Default timeouts and limits; visibility from {@code env} (pass {@code System.getenv()} in production). */
    public static DcgmExporterProbe open(URI metricsUrl, Map<String, String> env, InstantSource clock) {
        return open(metricsUrl, env, () -> DeviceScope.ALL, clock);
    }

    /** As {@link #open(URI, Map, InstantSource)}, reporting only the engine's own devices. */
    public static DcgmExporterProbe open(URI metricsUrl, Map<String, String> env, Supplier<DeviceScope> engineDevices,
            InstantSource clock) {
        return new DcgmExporterProbe(ScrapeConfig.defaults(metricsUrl), DeviceVisibility.fromEnvironment(env),
                engineDevices, clock);
    }

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public ProbeState state() {
        return state;
    }

    @Override
    public String message() {
        return message;
    }

    public URI url() {
        return url;
    }

    @Override
    public GpuReading poll() {
        synchronized (lock) {
            Instant at = clock.instant();
            if (closed) {
                return GpuReading.unavailable(SOURCE, ProbeState.CLOSED, message, at);
            }
            DeviceScope scope = engineDevices.get();
            if (!scope.isKnown()) {
                // Not every GPU of the node, and not none as if idle: nothing until the engine's list is known.
                return set(GpuReading.unavailable(SOURCE, ProbeState.DEVICES_UNKNOWN, scope.reason(), at));
            }
            DeviceVisibility allowed = visibility.and(scope.visibility().orElseThrow());
            Fetch fetched = scraper.fetch();
            if (fetched instanceof Fetch.Failed failed) {
                return set(GpuReading.unavailable(SOURCE, ProbeState.FAILED, "DCGM exporter "
                        + failed.failure().message(), at));
            }
            Fetch.Body body = (Fetch.Body) fetched;
            Exposition exposition;
            try {
                exposition = scraper.reader().parse(body.bytes(), 0, body.length(), body.contentType(), filter);
            } catch (ExpositionException e) {
                return set(GpuReading.unavailable(SOURCE, ProbeState.FAILED, "DCGM exporter " + url
                        + ": malformed metrics: " + e.getMessage(), at));
            }
            if (exposition.families().isEmpty()) {
                return set(GpuReading.unavailable(SOURCE, ProbeState.FAILED, "DCGM exporter " + url + ": none of "
                        + FAMILIES.size() + " DCGM_FI_ families read (" + exposition.seenFamilyNames().size()
                        + " others): is this a DCGM exporter?", at));
            }
            return set(read(exposition, allowed, at));
        }
    }

    private GpuReading set(GpuReading reading) {
        state = reading.state();
        message = reading.message();
        return reading;
    }

    private GpuReading read(Exposition exposition, DeviceVisibility allowed, Instant at) {
        Map<String, Device> devices = new LinkedHashMap<>();
        int unplaced = 0;
        for (MetricFamily family : exposition.families().values()) {
            for (Sample s : family.samples()) {
                String uuid = orEmpty(s.label("UUID"));
                String gpu = orEmpty(s.label("gpu"));
                if (uuid.isEmpty() && gpu.isEmpty()) {
                    unplaced++;
                    continue;
                }
                Device d = devices.computeIfAbsent(uuid.isEmpty() ? "gpu " + gpu : uuid,
                        k -> new Device(index(gpu), uuid, orEmpty(s.label("modelName"))));
                d.take(family.name(), s.value());
            }
        }
        List<GpuDevice> visible = new ArrayList<>(devices.size());
        for (Device d : devices.values()) {
            if (allowed.allows(d.builtIndex, d.uuid)) {
                visible.add(d.builder.build());
            }
        }
        String summary = "DCGM exporter " + url + ": " + visible.size()
                + (visible.size() == devices.size() ? "" : " of " + devices.size()) + " GPU"
                + (devices.size() == 1 ? "" : "s")
                + (allowed.restrictsNothing() ? "" : " visible (" + allowed + ")")
                + (unplaced == 0 ? "" : "; " + unplaced + " samples without a gpu or UUID label skipped");
        return new GpuReading(SOURCE, ProbeState.AVAILABLE, summary, at, visible);
    }

    /** Whether a value is one of DCGM's "blank" markers (no data for this field) or not a number at all. */
    static boolean blank(double v) {
        return Double.isNaN(v) || v >= FP64_BLANK || (v >= INT32_BLANK && v <= INT32_MAX);
    }

    private static int index(String gpu) {
        if (gpu.isEmpty() || gpu.length() > 9) {
            return -1;
        }
        for (int i = 0; i < gpu.length(); i++) {
            if (gpu.charAt(i) < '0' || gpu.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(gpu);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** One device's fields as the samples arrive. */
    private static final class Device {
        final int builtIndex;
        final String uuid;
        final GpuDevice.Builder builder;

        Device(int index, String uuid, String model) {
            this.builtIndex = index;
            this.uuid = uuid;
            this.builder = GpuDevice.builder(index, uuid, model);
        }

        void take(String family, double v) {
            if (blank(v)) {
                return;
            }
            if (v < 0 || Double.isInfinite(v)) {
                builder.problem(family + " " + v + " out of range");
                return;
            }
            switch (family) {
                case FB_USED -> builder.memoryUsedBytes(v * MIB);
                case FB_FREE -> builder.memoryFreeBytes(v * MIB);
                case FB_TOTAL -> builder.memoryTotalBytes(v * MIB);
                case POWER_USAGE -> builder.powerWatts(v);
                case GPU_TEMP -> builder.temperatureCelsius(v);
                case GPU_UTIL -> percent(family, v, true);
                case MEM_COPY_UTIL -> percent(family, v, false);
                case GR_ENGINE_ACTIVE -> {
                    if (v <= 1) {
                        builder.engineActive(v);
                    } else {
                        builder.problem(family + " " + v + " is not a ratio");
                    }
                }
                default -> {
                    // the filter admits only the families above
                }
            }
        }

        private void percent(String family, double v, boolean gpu) {
            if (v > 100) {
                builder.problem(family + " " + v + " % out of range");
            } else if (gpu) {
                builder.gpuUtilization(v / 100);
            } else {
                builder.memoryUtilization(v / 100);
            }
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            state = ProbeState.CLOSED;
            message = "DCGM exporter probe closed";
        }
    }
}
