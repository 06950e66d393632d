package dev.headroom.collectors.gpu;

/** Whether a {@link GpuProbe} can read its source; every state but {@link #AVAILABLE} means no GPU metrics. */
public enum ProbeState {
    /** The source answers; the reading lists the visible devices (possibly none). */
    AVAILABLE,
    /** No NVML library could be loaded: not a GPU node, or the container has no driver libraries mounted. */
    NO_LIBRARY,
    /** NVML loaded but the NVIDIA kernel driver is not running (NVML error 9). */
    DRIVER_NOT_LOADED,
    /** NVML refused this process (NVML error 4): a device node is not readable by this user. */
    NO_PERMISSION,
    /** Anything else: a library without a needed function, an NVML error, an exporter that did not answer. */
    FAILED,
    /**
     * The source answers, but which of its GPUs belong to the engine is not known yet (its device list has not been
     * written, or cannot be read): nothing is reported rather than every GPU of the node, or none as if idle.
     */
    DEVICES_UNKNOWN,
    /** The probe was closed. */
    CLOSED;

    /** The Prometheus-style up value: 1 only when the source answers. */
    public int up() {
        return this == AVAILABLE ? 1 : 0;
    }
}
