package dev.headroom.agent.gpu;

import dev.headroom.collectors.gpu.DeviceScope;
import dev.headroom.collectors.gpu.GpuProbe;
import dev.headroom.collectors.gpu.GpuReading;
import dev.headroom.collectors.gpu.ProbeState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code headroom.gpu.devices-file} from configuration to the probe's device scope. */
class GpuProbesTest {

    @TempDir
    Path dir;

    private static GpuConfig config(String probe, String devicesFile) {
        return new GpuConfig() {
            @Override
            public String probe() {
                return probe;
            }

            @Override
            public String nvmlLibrary() {
                return "nvidia-ml";
            }

            @Override
            public Optional<String> devicesFile() {
                return Optional.ofNullable(devicesFile);
            }

            @Override
            public Optional<String> dcgmUrl() {
                return Optional.of("http://127.0.0.1:9/metrics");
            }
        };
    }

    @Test
    void theDevicesFileIsReadAtEachAskFromItsPath() throws IOException {
        Path file = dir.resolve("gpus");
        var engineDevices = GpuProbes.engineDevices(config("nvml", file.toString()));

        assertThat(engineDevices.get().isKnown()).isFalse();
        assertThat(engineDevices.get().reason()).contains(file.toString());
        Files.writeString(file, "GPU-a1\n");
        assertThat(engineDevices.get().visibility().orElseThrow().allows(0, "GPU-a1")).isTrue();
        assertThat(engineDevices.get().visibility().orElseThrow().allows(0, "GPU-b2")).isFalse();
    }

    @Test
    void withoutADevicesFileEveryVisibleDeviceIsInScope() {
        assertThat(GpuProbes.engineDevices(config("nvml", null)).get()).isEqualTo(DeviceScope.ALL);
        assertThat(GpuProbes.engineDevices(config("nvml", " ")).get()).isEqualTo(DeviceScope.ALL);
    }

    @Test
    void theDcgmProbeWaitsForTheEnginesListToo() {
        // A scrape would answer FAILED (nothing serves DCGM there) or AVAILABLE: the state says the probe waited.
        Path file = dir.resolve("not-written");
        try (GpuProbe probe = GpuProbes.open(config("dcgm", file.toString()), Map.of(), InstantSource.system())
                .orElseThrow()) {
            GpuReading r = probe.poll();
            assertThat(r.state()).isEqualTo(ProbeState.DEVICES_UNKNOWN);
            assertThat(r.message()).contains(file.toString(), "not written yet");
        }
    }

    @Test
    void anUnknownProbeIsRefusedNamingIt() {
        assertThatThrownBy(() -> GpuProbes.open(config("rocm", null), Map.of(), InstantSource.system()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'rocm'");
    }
}
