package dev.headroom.collectors.gpu;

/** Whether one device could be read in a poll. */
public enum DeviceStatus {
    /** Read; fields the device does not support are absent. */
    OK,
    /** NVML says the GPU fell off the bus or otherwise stopped answering (error 15); no fields. */
    LOST,
    /** The device could not be read for another reason, named in {@link GpuDevice#problem()}; no fields. */
    FAILED
}
