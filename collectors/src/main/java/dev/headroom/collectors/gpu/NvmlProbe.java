package dev.headroom.collectors.gpu;

import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Reads GPUs through the node's NVML library ({@code libnvidia-ml.so.1}), loaded at run time through JNA.
 *
 * <p>{@link #open} never throws: a missing library, a driver that is not loaded, a refused permission or a
 * library without a needed function leave the probe in a {@link ProbeState} with a one-line message, and every
 * poll answers that state with no devices. When init succeeds the probe holds NVML initialised
 * ({@code nvmlInit_v2}) until {@link #close()} calls {@code nvmlShutdown} once; the state is decided at open, so
 * a driver loaded later needs a new probe.
 *
 * <p>Each poll first asks for the engine's own devices ({@link DeviceScope}, e.g. from an {@link EngineDeviceFile})
 * and reads nothing while they are unknown. It then counts the devices, skips those {@link DeviceVisibility} and the
 * engine's list hide, and reads memory, utilisation, power and temperature. A field NVML does not support is absent; a device that answers {@code GPU_IS_LOST} is
 * {@link DeviceStatus#LOST} with its last known identity while the others keep reporting. Name and UUID are read
 * once per device and kept. Polls are serialised (NVML's out-buffers are reused): about ten native calls per GPU.
 */
public final class NvmlProbe implements GpuProbe {

    public static final String SOURCE = "nvml";

    /** Bounds a count a broken library might report. */
    static final int MAX_DEVICES = 64;

    private static final String OFF = "; GPU metrics are off";

    private final Object lock = new Object();
    private final InstantSource clock;
    private final DeviceVisibility visibility;
    /** The engine's own devices, asked at every poll (they may become known after the probe opens). */
    private final Supplier<DeviceScope> engineDevices;
    /** {@link #visibility} and the engine's devices, as of the current poll. */
    private DeviceVisibility pollVisibility;
    private final NvmlLibrary nvml;
    private final String library;
    private volatile ProbeState state;
    private volatile String message;
    private boolean initialised;
    private String[] uuids = new String[0];
    private String[] names = new String[0];
    private final int[] rc = new int[1];

    private NvmlProbe(InstantSource clock, DeviceVisibility visibility, Supplier<DeviceScope> engineDevices,
            NvmlLibrary nvml, String library, ProbeState state, String message) {
        this.clock = clock;
        this.visibility = visibility;
        this.engineDevices = engineDevices;
        this.pollVisibility = visibility;
        this.nvml = nvml;
        this.library = library;
        this.state = state;
        this.message = message;
    }

    /** Opens NVML, reading visibility from {@code env} (pass {@code System.getenv()} in production). */
    public static NvmlProbe open(NvmlConfig config, Map<String, String> env, InstantSource clock) {
        return open(config, DeviceVisibility.fromEnvironment(env), clock);
    }

    public static NvmlProbe open(NvmlConfig config, DeviceVisibility visibility, InstantSource clock) {
        return open(config, visibility, () -> DeviceScope.ALL, clock);
    }

    /**
     * Opens NVML reporting only the devices both {@code visibility} and {@code engineDevices} allow; while
     * {@code engineDevices} answers unknown, polls answer {@link ProbeState#DEVICES_UNKNOWN} and read no device.
     */
    public static NvmlProbe open(NvmlConfig config, DeviceVisibility visibility,
            Supplier<DeviceScope> engineDevices, InstantSource clock) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(visibility, "visibility");
        Objects.requireNonNull(engineDevices, "engineDevices");
        Objects.requireNonNull(clock, "clock");
        if (config.isPath() && !Files.exists(Path.of(config.library()))) {
            return absent(clock, visibility, engineDevices, config.library(), ProbeState.NO_LIBRARY,
                    "NVML library not found: no file " + config.library() + OFF);
        }
        NvmlLibrary nvml = null;
        String loadError = null;
        for (String candidate : config.candidates()) {
            try {
                nvml = NvmlLibrary.load(candidate);
                break;
            } catch (UnsatisfiedLinkError e) {
                loadError = firstLine(e.getMessage());
            } catch (NvmlLibrary.MissingFunction e) {
                return absent(clock, visibility, engineDevices, candidate, ProbeState.FAILED, "NVML library "
                        + candidate + " has no " + e.getMessage() + " (NVML error " + NvmlReturn.FUNCTION_NOT_FOUND
                        + ", function not found: a driver older than NVML v2)" + OFF);
            }
        }
        if (nvml == null) {
            String tried = String.join(", ", config.candidates());
            return absent(clock, visibility, engineDevices, tried, ProbeState.NO_LIBRARY,
                    "NVML library not found (tried " + tried
                    + (config.isPath() ? ": " + loadError : "") + "): not a GPU node, or the container has no NVIDIA"
                    + " driver libraries mounted" + OFF);
        }
        int code = nvml.init();
        if (code != NvmlReturn.SUCCESS) {
            ProbeState s = NvmlReturn.state(code);
            String why = switch (s) {
                case DRIVER_NOT_LOADED -> ": the NVIDIA kernel driver is not loaded on this node";
                case NO_PERMISSION -> ": this process may not open the GPU device nodes";
                default -> "";
            };
            return absent(clock, visibility, engineDevices, nvml.file, s,
                    "NVML init failed: " + nvml.describe(code) + why + OFF);
        }
        NvmlProbe probe = new NvmlProbe(clock, visibility, engineDevices, nvml, nvml.file, ProbeState.AVAILABLE,
                "NVML " + nvml.file + " initialised");
        probe.initialised = true;
        return probe;
    }

    private static NvmlProbe absent(InstantSource clock, DeviceVisibility visibility,
            Supplier<DeviceScope> engineDevices, String library, ProbeState s, String message) {
        return new NvmlProbe(clock, visibility, engineDevices, null, library, s, message);
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

    /** The library file NVML was loaded from (or what was tried, when none loaded). */
    public String library() {
        return library;
    }

    public DeviceVisibility visibility() {
        return visibility;
    }

    @Override
    public GpuReading poll() {
        synchronized (lock) {
            Instant at = clock.instant();
            if (!initialised) {
                return GpuReading.unavailable(SOURCE, state, message, at);
            }
            DeviceScope scope = engineDevices.get();
            if (!scope.isKnown()) {
                // Not every GPU of the node, and not none as if idle: nothing until the engine's list is known.
                return set(GpuReading.unavailable(SOURCE, ProbeState.DEVICES_UNKNOWN, scope.reason(), at));
            }
            pollVisibility = visibility.and(scope.visibility().orElseThrow());
            int code = nvml.count();
            if (code != NvmlReturn.SUCCESS) {
                return set(GpuReading.unavailable(SOURCE, NvmlReturn.state(code) == ProbeState.AVAILABLE
                        ? ProbeState.FAILED : NvmlReturn.state(code),
                        "NVML could not count the GPUs: " + nvml.describe(code), at));
            }
            int count = (int) Math.min(nvml.countValue(), MAX_DEVICES);
            if (uuids.length != count) {
                uuids = Arrays.copyOf(uuids, count);
                names = Arrays.copyOf(names, count);
            }
            List<GpuDevice> devices = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                GpuDevice d = read(i);
                if (d != null) {
                    devices.add(d);
                }
            }
            String summary = "NVML: " + devices.size() + (devices.size() == count ? "" : " of " + count) + " GPU"
                    + (count == 1 ? "" : "s")
                    + (pollVisibility.restrictsNothing() ? "" : " visible (" + pollVisibility + ")");
            return set(new GpuReading(SOURCE, ProbeState.AVAILABLE, summary, at, devices));
        }
    }

    private GpuReading set(GpuReading reading) {
        state = reading.state();
        message = reading.message();
        return reading;
    }

    /** One device, or null when it is not visible. */
    private GpuDevice read(int index) {
        Pointer device = nvml.handle(index, rc);
        if (device == null) {
            return visible(index) ? gone(index, rc[0], "handle") : null;
        }
        if (uuids[index] == null && nvml.uuid != null) {
            int code = nvml.text(nvml.uuid, device);
            if (code == NvmlReturn.SUCCESS) {
                uuids[index] = nvml.textValue();
            } else if (code == NvmlReturn.GPU_IS_LOST) {
                return visible(index) ? gone(index, code, "UUID") : null;
            }
        }
        if (!visible(index)) {
            return null;
        }
        if (names[index] == null && nvml.name != null) {
            int code = nvml.text(nvml.name, device);
            if (code == NvmlReturn.SUCCESS) {
                names[index] = nvml.textValue();
            } else if (code == NvmlReturn.GPU_IS_LOST) {
                return gone(index, code, "name");
            }
        }
        GpuDevice.Builder b = GpuDevice.builder(index, orEmpty(uuids[index]), orEmpty(names[index]));
        if (uuids[index] == null) {
            b.problem("UUID unreadable");
        }

        int code = note(nvml.memoryInfo(device), b, "memory");
        if (code == NvmlReturn.GPU_IS_LOST) {
            return gone(index, code, "memory");
        }
        if (code == NvmlReturn.SUCCESS) {
            b.memoryTotalBytes(NvmlLibrary.unsigned64(nvml.memory.getLong(0)));
            b.memoryFreeBytes(NvmlLibrary.unsigned64(nvml.memory.getLong(8)));
            b.memoryUsedBytes(NvmlLibrary.unsigned64(nvml.memory.getLong(16)));
        }

        code = note(nvml.utilization(device), b, "utilization");
        if (code == NvmlReturn.GPU_IS_LOST) {
            return gone(index, code, "utilization");
        }
        if (code == NvmlReturn.SUCCESS) {
            long gpu = Integer.toUnsignedLong(nvml.rates.getInt(0));
            long mem = Integer.toUnsignedLong(nvml.rates.getInt(4));
            if (gpu <= 100) {
                b.gpuUtilization(gpu / 100.0);
            } else {
                b.problem("GPU utilization " + gpu + " % out of range");
            }
            if (mem <= 100) {
                b.memoryUtilization(mem / 100.0);
            } else {
                b.problem("memory utilization " + mem + " % out of range");
            }
        }

        code = note(nvml.power(device), b, "power");
        if (code == NvmlReturn.GPU_IS_LOST) {
            return gone(index, code, "power");
        }
        if (code == NvmlReturn.SUCCESS) {
            b.powerWatts(Integer.toUnsignedLong(nvml.uint.getInt(0)) / 1000.0); // NVML reports milliwatts
        }

        code = note(nvml.temperature(device), b, "temperature");
        if (code == NvmlReturn.GPU_IS_LOST) {
            return gone(index, code, "temperature");
        }
        if (code == NvmlReturn.SUCCESS) {
            b.temperatureCelsius(Integer.toUnsignedLong(nvml.uint.getInt(0)));
        }
        return b.build();
    }

    /**
     * Notes a field's failure on the device: NOT_SUPPORTED is silent (the field is simply absent, as is one whose
     * function the library lacks), GPU_IS_LOST is the caller's to handle, anything else is named.
     */
    private int note(int code, GpuDevice.Builder b, String field) {
        if (code != NvmlReturn.SUCCESS && code != NvmlReturn.NOT_SUPPORTED && code != NvmlReturn.GPU_IS_LOST) {
            b.problem(field + ": " + nvml.describe(code));
        }
        return code;
    }

    private boolean visible(int index) {
        return pollVisibility.allows(index, orEmpty(uuids[index]));
    }

    private GpuDevice gone(int index, int code, String step) {
        String uuid = orEmpty(uuids[index]);
        String name = orEmpty(names[index]);
        String problem = step + ": " + nvml.describe(code);
        return code == NvmlReturn.GPU_IS_LOST ? GpuDevice.lost(index, uuid, name, problem)
                : GpuDevice.failed(index, uuid, name, problem);
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (initialised) {
                nvml.shutdown();
                initialised = false;
            }
            state = ProbeState.CLOSED;
            message = "NVML probe closed";
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown loader error";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
