package dev.headroom.collectors.gpu;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One GPU in one reading. Every measured field is optional: absent when the device does not support it (NVML
 * {@code NOT_SUPPORTED}, e.g. utilisation on a MIG instance), when the source does not export it, or when the
 * device is {@link DeviceStatus#LOST lost} or {@link DeviceStatus#FAILED unreadable}. Absent is never zero.
 *
 * <p>Memory is in bytes held as a {@code double}: NVML's counters are unsigned 64-bit, which a {@code long}
 * cannot hold above 2^63, and the values end up as Prometheus doubles anyway; a double is exact to 2^53 bytes
 * (8 PiB), far beyond any GPU.
 *
 * @param index              the device's index as its source numbers it (NVML index, DCGM {@code gpu} label),
 *                           or -1 when the source gives none
 * @param uuid               {@code GPU-…} (or {@code MIG-…}), empty when unknown
 * @param name               the model name, e.g. {@code NVIDIA H100 80GB HBM3}, empty when unknown
 * @param problem            empty, or one line naming what could not be read and why
 * @param gpuUtilization     share of the last sample period in which a kernel ran, 0..1 (NVML {@code gpu} %,
 *                           DCGM {@code GPU_UTIL}); a coarse busy flag, not a measure of headroom
 * @param memoryUtilization  share of the period in which device memory was read or written, 0..1
 * @param engineActive       DCGM {@code PROF_GR_ENGINE_ACTIVE}: share of time the graphics engine was active, 0..1
 * @param powerWatts         current draw in watts
 * @param temperatureCelsius GPU die temperature in °C
 */
public record GpuDevice(int index, String uuid, String name, DeviceStatus status, String problem,
        OptionalDouble memoryTotalBytes, OptionalDouble memoryUsedBytes, OptionalDouble memoryFreeBytes,
        OptionalDouble gpuUtilization, OptionalDouble memoryUtilization, OptionalDouble engineActive,
        OptionalDouble powerWatts, OptionalDouble temperatureCelsius) {

    public GpuDevice {
        if (index < -1) {
            throw new IllegalArgumentException("index must be -1 (unknown) or more, got " + index);
        }
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(problem, "problem");
        nonNegative("memoryTotalBytes", memoryTotalBytes);
        nonNegative("memoryUsedBytes", memoryUsedBytes);
        nonNegative("memoryFreeBytes", memoryFreeBytes);
        ratio("gpuUtilization", gpuUtilization);
        ratio("memoryUtilization", memoryUtilization);
        ratio("engineActive", engineActive);
        nonNegative("powerWatts", powerWatts);
        Objects.requireNonNull(temperatureCelsius, "temperatureCelsius");
        if (temperatureCelsius.isPresent() && !Double.isFinite(temperatureCelsius.getAsDouble())) {
            throw new IllegalArgumentException("temperatureCelsius must be finite, got "
                    + temperatureCelsius.getAsDouble());
        }
        if (status != DeviceStatus.OK && (memoryTotalBytes.isPresent() || memoryUsedBytes.isPresent()
                || memoryFreeBytes.isPresent() || gpuUtilization.isPresent() || memoryUtilization.isPresent()
                || engineActive.isPresent() || powerWatts.isPresent() || temperatureCelsius.isPresent())) {
            throw new IllegalArgumentException("a " + status + " device carries no measurements (GPU " + index + ")");
        }
        if (status != DeviceStatus.OK && problem.isEmpty()) {
            throw new IllegalArgumentException("a " + status + " device needs a problem saying why (GPU " + index
                    + ")");
        }
    }

    /** A device that stopped answering; identity as last known. */
    public static GpuDevice lost(int index, String uuid, String name, String problem) {
        return new GpuDevice(index, uuid, name, DeviceStatus.LOST, problem, NONE, NONE, NONE, NONE, NONE, NONE, NONE,
                NONE);
    }

    /** A device that could not be read for another reason. */
    public static GpuDevice failed(int index, String uuid, String name, String problem) {
        return new GpuDevice(index, uuid, name, DeviceStatus.FAILED, problem, NONE, NONE, NONE, NONE, NONE, NONE,
                NONE, NONE);
    }

    public static Builder builder(int index, String uuid, String name) {
        return new Builder(index, uuid, name);
    }

    public boolean ok() {
        return status == DeviceStatus.OK;
    }

    private static final OptionalDouble NONE = OptionalDouble.empty();

    private static void nonNegative(String field, OptionalDouble v) {
        Objects.requireNonNull(v, field);
        if (v.isPresent() && !(v.getAsDouble() >= 0 && Double.isFinite(v.getAsDouble()))) {
            throw new IllegalArgumentException(field + " must be finite and not negative, got " + v.getAsDouble());
        }
    }

    private static void ratio(String field, OptionalDouble v) {
        Objects.requireNonNull(v, field);
        if (v.isPresent() && !(v.getAsDouble() >= 0 && v.getAsDouble() <= 1)) {
            throw new IllegalArgumentException(field + " must be a ratio between 0 and 1, got " + v.getAsDouble());
        }
    }

    /** Collects the fields of one OK device while a probe reads it; unset fields stay absent. */
    public static final class Builder {
        private final int index;
        private final String uuid;
        private final String name;
        private final StringBuilder problems = new StringBuilder();
        private OptionalDouble memoryTotalBytes = NONE;
        private OptionalDouble memoryUsedBytes = NONE;
        private OptionalDouble memoryFreeBytes = NONE;
        private OptionalDouble gpuUtilization = NONE;
        private OptionalDouble memoryUtilization = NONE;
        private OptionalDouble engineActive = NONE;
        private OptionalDouble powerWatts = NONE;
        private OptionalDouble temperatureCelsius = NONE;

        private Builder(int index, String uuid, String name) {
            this.index = index;
            this.uuid = uuid;
            this.name = name;
        }

        public Builder memoryTotalBytes(double v) {
            memoryTotalBytes = OptionalDouble.of(v);
            return this;
        }

        public Builder memoryUsedBytes(double v) {
            memoryUsedBytes = OptionalDouble.of(v);
            return this;
        }

        public Builder memoryFreeBytes(double v) {
            memoryFreeBytes = OptionalDouble.of(v);
            return this;
        }

        public Builder gpuUtilization(double v) {
            gpuUtilization = OptionalDouble.of(v);
            return this;
        }

        public Builder memoryUtilization(double v) {
            memoryUtilization = OptionalDouble.of(v);
            return this;
        }

        public Builder engineActive(double v) {
            engineActive = OptionalDouble.of(v);
            return this;
        }

        public Builder powerWatts(double v) {
            powerWatts = OptionalDouble.of(v);
            return this;
        }

        public Builder temperatureCelsius(double v) {
            temperatureCelsius = OptionalDouble.of(v);
            return this;
        }

        /** Notes a field that could not be read (the field stays absent); the notes become {@link #problem()}. */
        public Builder problem(String what) {
            if (problems.length() > 0) {
                problems.append("; ");
            }
            problems.append(what);
            return this;
        }

        public GpuDevice build() {
            return new GpuDevice(index, uuid, name, DeviceStatus.OK, problems.toString(), memoryTotalBytes,
                    memoryUsedBytes, memoryFreeBytes, gpuUtilization, memoryUtilization, engineActive, powerWatts,
                    temperatureCelsius);
        }
    }
}
