package dev.headroom.collectors.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class GpuRecordsTest {

    private static final Instant AT = Instant.parse("2025-03-01T10:00:00Z");
    private static final OptionalDouble NONE = OptionalDouble.empty();

    @Test
    void ratiosOutsideZeroToOneAreRejected() {
        assertThatThrownBy(() -> GpuDevice.builder(0, "GPU-a", "m").gpuUtilization(40).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gpuUtilization must be a ratio between 0 and 1, got 40.0");
        assertThatThrownBy(() -> GpuDevice.builder(0, "GPU-a", "m").memoryUsedBytes(-1).build())
                .hasMessage("memoryUsedBytes must be finite and not negative, got -1.0");
        assertThatThrownBy(() -> GpuDevice.builder(0, "GPU-a", "m").powerWatts(Double.NaN).build())
                .hasMessage("powerWatts must be finite and not negative, got NaN");
        assertThatThrownBy(() -> GpuDevice.builder(-2, "GPU-a", "m").build())
                .hasMessage("index must be -1 (unknown) or more, got -2");
    }

    @Test
    void aLostDeviceCarriesNoMeasurementsAndSaysWhy() {
        GpuDevice lost = GpuDevice.lost(1, "GPU-b", "m", "memory: GPU is lost (NVML error 15)");
        assertThat(lost.ok()).isFalse();
        assertThat(lost.memoryUsedBytes()).isEmpty();

        assertThatThrownBy(() -> new GpuDevice(1, "GPU-b", "m", DeviceStatus.LOST, "lost", NONE, OptionalDouble.of(1),
                NONE, NONE, NONE, NONE, NONE, NONE))
                .hasMessage("a LOST device carries no measurements (GPU 1)");
        assertThatThrownBy(() -> GpuDevice.failed(1, "GPU-b", "m", ""))
                .hasMessage("a FAILED device needs a problem saying why (GPU 1)");
    }

    @Test
    void problemsAccumulateInOrder() {
        GpuDevice d = GpuDevice.builder(0, "GPU-a", "m").problem("power: x").problem("temperature: y").build();
        assertThat(d.problem()).isEqualTo("power: x; temperature: y");
        assertThat(d.ok()).isTrue();
    }

    @Test
    void anUnavailableReadingHasNoDevices() {
        GpuDevice d = GpuDevice.builder(0, "GPU-a", "m").build();
        assertThatThrownBy(() -> new GpuReading("nvml", ProbeState.FAILED, "x", AT, List.of(d)))
                .hasMessage("a FAILED reading has no devices, got 1");
        assertThatThrownBy(() -> GpuReading.unavailable("nvml", ProbeState.AVAILABLE, "x", AT))
                .isInstanceOf(IllegalArgumentException.class);
        GpuReading r = GpuReading.unavailable("nvml", ProbeState.NO_LIBRARY, "no NVML", AT);
        assertThat(r.up()).isZero();
        assertThat(r.device("GPU-a")).isEmpty();
        assertThat(ProbeState.AVAILABLE.up()).isEqualTo(1);
    }
}
