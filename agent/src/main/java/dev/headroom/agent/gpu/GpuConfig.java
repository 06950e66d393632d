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

    /**
     * A file holding the engine container's own GPUs (its {@code NVIDIA_VISIBLE_DEVICES}, written by the engine's
     * command into a shared volume, e.g. {@code /headroom/gpus}): the probe (NVML or DCGM) then reports only those, and
     * nothing until the file is written. Unset: every GPU this container sees.
     */
    Optional<String> devicesFile();

    /** The DCGM exporter's metrics URL, e.g. {@code http://$(NODE_IP):9400/metrics}; required with {@code probe=dcgm}. */
    Optional<String> dcgmUrl();
}
