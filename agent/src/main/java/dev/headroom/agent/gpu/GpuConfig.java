package dev.headroom.agent.gpu;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/**
 * Where the sidecar reads its GPUs from ({@code headroom.gpu.*}). GPU readings are reported beside the
 * saturation signals, never used to scale.
 */
@ConfigMapping(prefix = "headroom.gpu")
public interface GpuConfig {

    /** {@code nvml} (the driver's library, through JNA), {@code dcgm} (a DCGM exporter's /metrics) or {@code none}. */
    @WithDefault("nvml")
    String probe();

    /** NVML library name or absolute path; the default finds {@code libnvidia-ml.so.1} as the driver installs it. */
    @WithDefault("nvidia-ml")
    String nvmlLibrary();

    /** The DCGM exporter's metrics URL, e.g. {@code http://$(NODE_IP):9400/metrics}; required with {@code probe=dcgm}. */
    Optional<String> dcgmUrl();
}
