/**
 * GPU probes: memory, utilisation, power and temperature of the GPUs this pod can see, read through NVML
 * ({@link dev.headroom.collectors.gpu.NvmlProbe}, the driver's {@code libnvidia-ml.so.1} through JNA) or from a
 * DCGM exporter ({@link dev.headroom.collectors.gpu.DcgmExporterProbe}), behind one small interface,
 * {@link dev.headroom.collectors.gpu.GpuProbe}.
 *
 * <p>What this package must never do: throw from a poll or from opening a probe (a machine without GPUs is a
 * {@link dev.headroom.collectors.gpu.ProbeState}, not a stack trace); report a field it could not read as zero;
 * report a GPU {@link dev.headroom.collectors.gpu.DeviceVisibility} hides; read the process environment itself
 * (it is passed in); leave NVML initialised after {@code close()}. GPU utilisation is reported beside the
 * engine's saturation, never used to scale: it says a kernel ran, not how much more work fits.
 */
package dev.headroom.collectors.gpu;
