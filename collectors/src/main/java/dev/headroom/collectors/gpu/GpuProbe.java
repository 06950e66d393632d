package dev.headroom.collectors.gpu;

/**
 * Reads the GPUs this pod can see: one adapter per source ({@link NvmlProbe} on the node's NVML library,
 * {@link DcgmExporterProbe} on a DCGM exporter's metrics).
 *
 * <p>A probe never throws from {@link #poll()}: a source that cannot be read is a {@link ProbeState} with a
 * one-line message, a device that cannot be read is marked in its {@link GpuDevice}, a field the device does not
 * support is absent. Safe to poll from several threads; {@link #close()} releases the source once and is
 * idempotent, and a poll after it answers {@link ProbeState#CLOSED}.
 */
public interface GpuProbe extends AutoCloseable {

    /** The source, for logs and labels: {@code nvml} or {@code dcgm}. */
    String source();

    /** Whether the source could be opened, as of the last poll (or of opening, before any poll). */
    ProbeState state();

    /** One line saying why the probe is in its state; the summary of the devices when it is available. */
    String message();

    /** One reading of every visible GPU. */
    GpuReading poll();

    @Override
    void close();
}
