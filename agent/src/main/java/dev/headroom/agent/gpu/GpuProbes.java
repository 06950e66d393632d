package dev.headroom.agent.gpu;

import dev.headroom.collectors.gpu.DcgmExporterProbe;
import dev.headroom.collectors.gpu.DeviceScope;
import dev.headroom.collectors.gpu.DeviceVisibility;
import dev.headroom.collectors.gpu.EngineDeviceFile;
import dev.headroom.collectors.gpu.GpuProbe;
import dev.headroom.collectors.gpu.NvmlConfig;
import dev.headroom.collectors.gpu.NvmlProbe;

import java.net.URI;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Opens the GPU probe the configuration names. Opening never fails: a missing GPU is a probe state. */
public final class GpuProbes {

    private GpuProbes() {
    }

    /**
     * @return empty for {@code probe=none}
     * @throws IllegalArgumentException when the configuration is inconsistent (an unknown probe, dcgm without a URL)
     */
    public static Optional<GpuProbe> open(GpuConfig config, Map<String, String> environment, InstantSource clock) {
        return switch (config.probe()) {
            case "none" -> Optional.empty();
            case "nvml" -> Optional.of(NvmlProbe.open(NvmlConfig.library(config.nvmlLibrary()),
                    DeviceVisibility.fromEnvironment(environment), engineDevices(config), clock));
            case "dcgm" -> {
                String url = config.dcgmUrl().orElseThrow(() -> new IllegalArgumentException(
                        "headroom.gpu.probe=dcgm needs headroom.gpu.dcgm-url, e.g. http://NODE_IP:9400/metrics"));
                yield Optional.of(DcgmExporterProbe.open(URI.create(url), environment, engineDevices(config), clock));
            }
            default -> throw new IllegalArgumentException("headroom.gpu.probe must be nvml, dcgm or none, was '"
                    + config.probe() + "'");
        };
    }

    /** The engine's devices from {@code headroom.gpu.devices-file}, or every device when it is not set. */
    static Supplier<DeviceScope> engineDevices(GpuConfig config) {
        return config.devicesFile()
                .filter(file -> !file.isBlank())
                .<Supplier<DeviceScope>>map(file -> new EngineDeviceFile(Path.of(file)))
                .orElse(() -> DeviceScope.ALL);
    }
}
