package dev.headroom.collectors.gpu;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One poll of a {@link GpuProbe}: the probe's state, a one-line message, and the visible devices in the
 * source's order. A probe that is not {@link ProbeState#AVAILABLE} has no devices.
 *
 * @param source  {@code nvml} or {@code dcgm}
 * @param message why the probe is in its state, or a summary of what was read
 * @param at      when the poll started, from the probe's clock
 */
public record GpuReading(String source, ProbeState state, String message, Instant at, List<GpuDevice> devices) {

    public GpuReading {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(at, "at");
        devices = List.copyOf(devices);
        if (state != ProbeState.AVAILABLE && !devices.isEmpty()) {
            throw new IllegalArgumentException("a " + state + " reading has no devices, got " + devices.size());
        }
    }

    public static GpuReading unavailable(String source, ProbeState state, String message, Instant at) {
        if (state == ProbeState.AVAILABLE) {
            throw new IllegalArgumentException("an unavailable reading needs a state other than AVAILABLE");
        }
        return new GpuReading(source, state, message, at, List.of());
    }

    /** 1 when the source answered, else 0: the value of {@code headroom_gpu_probe_up}. */
    public int up() {
        return state.up();
    }

    /** The device with that UUID, if visible. */
    public Optional<GpuDevice> device(String uuid) {
        for (GpuDevice d : devices) {
            if (d.uuid().equals(uuid)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
