package dev.headroom.collectors.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NVML probe through a real native library: the stand-in NVML compiled from C for this test and loaded by
 * JNA, so symbol names, struct layouts, unsigned reads and units all cross a real native call.
 */
class NvmlProbeTest {

    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String UUID0 = "GPU-5a7d0000-0000-4000-8000-000000000000";
    private static final String UUID1 = "GPU-5a7d0000-0000-4000-8000-000000000001";
    private static final String UUID2 = "GPU-5a7d0000-0000-4000-8000-000000000002";
    private static final double GIB = 1024.0 * 1024 * 1024;

    @TempDir
    static Path dir;

    private static Path library;
    private static StandinNvml.Control standin;

    @BeforeAll
    static void build() throws IOException, InterruptedException {
        library = StandinNvml.build(dir, "libnvidia-ml.so.1");
        standin = StandinNvml.control(library);
    }

    @BeforeEach
    void reset() {
        standin.standin_reset(2);
    }

    @AfterEach
    void nvmlLeftAsFound() {
        assertThat(standin.standin_initialised()).as("nvmlInit_v2 without its nvmlShutdown").isZero();
    }

    private static NvmlProbe open(Map<String, String> env) {
        return NvmlProbe.open(NvmlConfig.library(library.toString()), env, CLOCK);
    }

    @Test
    void readsEveryFieldWithNvmlUnits() {
        try (NvmlProbe probe = open(Map.of())) {
            assertThat(probe.state()).isEqualTo(ProbeState.AVAILABLE);
            assertThat(probe.library()).isEqualTo(library.toString());

            GpuReading r = probe.poll();

            assertThat(r.source()).isEqualTo("nvml");
            assertThat(r.state()).isEqualTo(ProbeState.AVAILABLE);
            assertThat(r.up()).isEqualTo(1);
            assertThat(r.at()).isEqualTo(NOW);
            assertThat(r.message()).isEqualTo("NVML: 2 GPUs");
            assertThat(r.devices()).hasSize(2);
            GpuDevice d0 = r.devices().get(0);
            assertThat(d0.index()).isZero();
            assertThat(d0.name()).isEqualTo("Stand-in GPU 0");
            assertThat(d0.uuid()).isEqualTo(UUID0);
            assertThat(d0.status()).isEqualTo(DeviceStatus.OK);
            assertThat(d0.problem()).isEmpty();
            assertThat(d0.memoryTotalBytes()).hasValue(80 * GIB);
            assertThat(d0.memoryUsedBytes()).hasValue(20 * GIB);
            assertThat(d0.memoryFreeBytes()).hasValue(60 * GIB);
            assertThat(d0.gpuUtilization()).hasValue(0.40);
            assertThat(d0.memoryUtilization()).hasValue(0.20);
            assertThat(d0.powerWatts()).hasValue(123.456); // 123456 mW
            assertThat(d0.temperatureCelsius()).hasValue(50.0);
            assertThat(d0.engineActive()).isEmpty(); // a DCGM field; NVML has none

            // The struct's three fields land in their own places: device 1's used is 20 GiB + 1 byte.
            GpuDevice d1 = r.devices().get(1);
            assertThat(d1.uuid()).isEqualTo(UUID1);
            assertThat(d1.memoryUsedBytes()).hasValue(20 * GIB + 1);
            assertThat(d1.memoryFreeBytes()).hasValue(60 * GIB - 1);
            assertThat(d1.gpuUtilization()).hasValue(0.41);
            assertThat(d1.memoryUtilization()).hasValue(0.21);
            assertThat(d1.powerWatts()).hasValue(123.457);
            assertThat(d1.temperatureCelsius()).hasValue(51.0);
        }
    }

    @Test
    void readsUnsignedValuesAboveTheSignedRange() {
        long allOnes = 0xFFFF_FFFF_FFFF_FFFFL; // 2^64 - 1
        long twoTo63 = 0x8000_0000_0000_0000L;
        long twoTo63Plus = 0x8000_0000_0000_0801L; // rounds up to the next double
        standin.standin_set_memory(0, allOnes, twoTo63Plus, twoTo63, 0);
        standin.standin_set_power(0, (int) 3_000_000_000L, 0); // 3e9 mW: above INT32_MAX
        standin.standin_set_temperature(0, (int) 2_147_483_648L, 0);
        try (NvmlProbe probe = open(Map.of())) {
            GpuDevice d = probe.poll().devices().get(0);

            assertThat(d.memoryTotalBytes()).hasValue(unsigned(allOnes)).hasValue(1.8446744073709552E19);
            assertThat(d.memoryFreeBytes()).hasValue(unsigned(twoTo63Plus)).hasValue(9.223372036854777856E18);
            assertThat(d.memoryUsedBytes()).hasValue(9.223372036854775808E18);
            assertThat(d.powerWatts()).hasValue(3_000_000.0);
            assertThat(d.temperatureCelsius()).hasValue(2_147_483_648.0);
        }
    }

    private static double unsigned(long bits) {
        return new BigInteger(Long.toUnsignedString(bits)).doubleValue();
    }

    @Test
    void driverNotLoadedIsAStateWithOneLineAndNoShutdown() {
        standin.standin_set_init_result(9);
        NvmlProbe probe = open(Map.of());

        assertThat(probe.state()).isEqualTo(ProbeState.DRIVER_NOT_LOADED);
        assertThat(probe.message()).isEqualTo("NVML init failed: Driver Not Loaded (NVML error 9): the NVIDIA kernel"
                + " driver is not loaded on this node; GPU metrics are off");
        GpuReading r = probe.poll();
        assertThat(r.state()).isEqualTo(ProbeState.DRIVER_NOT_LOADED);
        assertThat(r.up()).isZero();
        assertThat(r.devices()).isEmpty();
        assertThat(r.message()).isEqualTo(probe.message());
        probe.close();

        assertThat(standin.standin_init_calls()).isEqualTo(1);
        assertThat(standin.standin_shutdown_calls()).as("no nvmlShutdown after a failed init").isZero();
        assertThat(standin.standin_total_calls()).as("no device calls without NVML").isZero();
        assertThat(probe.poll().state()).isEqualTo(ProbeState.CLOSED);
    }

    @Test
    void noPermissionAtInitIsItsOwnState() {
        standin.standin_set_init_result(4);
        try (NvmlProbe probe = open(Map.of())) {
            assertThat(probe.state()).isEqualTo(ProbeState.NO_PERMISSION);
            assertThat(probe.message()).isEqualTo("NVML init failed: Insufficient Permissions (NVML error 4): this"
                    + " process may not open the GPU device nodes; GPU metrics are off");
            assertThat(probe.poll().devices()).isEmpty();
        }
    }

    @Test
    void anotherInitErrorIsFailedWithNvmlsText() {
        standin.standin_set_init_result(999);
        try (NvmlProbe probe = open(Map.of())) {
            assertThat(probe.state()).isEqualTo(ProbeState.FAILED);
            assertThat(probe.message()).isEqualTo("NVML init failed: Unknown Error (NVML error 999); GPU metrics are"
                    + " off");
        }
    }

    @Test
    void utilisationNotSupportedOnOneDeviceLeavesOnlyThoseFieldsAbsent() {
        standin.standin_set_utilization(1, 0, 0, 3); // as on a MIG instance
        try (NvmlProbe probe = open(Map.of())) {
            List<GpuDevice> devices = probe.poll().devices();

            assertThat(devices.get(0).gpuUtilization()).hasValue(0.40);
            GpuDevice mig = devices.get(1);
            assertThat(mig.status()).isEqualTo(DeviceStatus.OK);
            assertThat(mig.gpuUtilization()).isEmpty();
            assertThat(mig.memoryUtilization()).isEmpty();
            assertThat(mig.problem()).as("not supported is not a problem").isEmpty();
            assertThat(mig.memoryUsedBytes()).hasValue(20 * GIB + 1);
            assertThat(mig.powerWatts()).hasValue(123.457);
            assertThat(mig.temperatureCelsius()).hasValue(51.0);
        }
    }

    @Test
    void aFieldRefusedForPermissionIsAbsentAndNamed() {
        standin.standin_set_power(0, 1000, 4);
        try (NvmlProbe probe = open(Map.of())) {
            GpuDevice d = probe.poll().devices().get(0);

            assertThat(d.status()).isEqualTo(DeviceStatus.OK);
            assertThat(d.powerWatts()).isEmpty();
            assertThat(d.problem()).isEqualTo("power: Insufficient Permissions (NVML error 4)");
            assertThat(d.temperatureCelsius()).hasValue(50.0);
        }
    }

    @Test
    void aPercentageOutOfRangeIsAbsentAndNamed() {
        standin.standin_set_utilization(0, -1, 30, 0); // 4294967295 %
        try (NvmlProbe probe = open(Map.of())) {
            GpuDevice d = probe.poll().devices().get(0);

            assertThat(d.gpuUtilization()).isEmpty();
            assertThat(d.memoryUtilization()).hasValue(0.30);
            assertThat(d.problem()).isEqualTo("GPU utilization 4294967295 % out of range");
        }
    }

    @Test
    void aGpuLostMidRunIsMarkedLostWhileTheOthersKeepReporting() {
        standin.standin_reset(3);
        // First poll: UUID, name, memory, utilisation, power, temperature = 6 calls. The 8th call (utilisation in
        // the second poll) is the first to answer GPU_IS_LOST.
        standin.standin_lose_after(1, 7);
        try (NvmlProbe probe = open(Map.of())) {
            GpuReading first = probe.poll();
            assertThat(first.devices()).extracting(GpuDevice::status).containsOnly(DeviceStatus.OK);

            GpuReading second = probe.poll();
            assertThat(second.state()).isEqualTo(ProbeState.AVAILABLE);
            assertThat(second.devices()).extracting(GpuDevice::status)
                    .containsExactly(DeviceStatus.OK, DeviceStatus.LOST, DeviceStatus.OK);
            GpuDevice lost = second.devices().get(1);
            assertThat(lost.uuid()).as("identity as last read").isEqualTo(UUID1);
            assertThat(lost.name()).isEqualTo("Stand-in GPU 1");
            assertThat(lost.problem()).isEqualTo("utilization: GPU is lost (NVML error 15)");
            assertThat(lost.memoryUsedBytes()).as("nothing half-read from a lost GPU").isEmpty();
            assertThat(second.devices().get(0).memoryUsedBytes()).hasValue(20 * GIB);
            assertThat(second.devices().get(2).memoryUsedBytes()).hasValue(20 * GIB + 2);
            assertThat(second.devices().get(2).powerWatts()).hasValue(123.458);

            // Once lost, even the handle is refused; the device stays listed as lost.
            GpuReading third = probe.poll();
            assertThat(third.devices()).extracting(GpuDevice::status)
                    .containsExactly(DeviceStatus.OK, DeviceStatus.LOST, DeviceStatus.OK);
            assertThat(third.devices().get(1).problem()).isEqualTo("handle: GPU is lost (NVML error 15)");
            assertThat(third.devices().get(1).uuid()).isEqualTo(UUID1);
        }
    }

    @Test
    void aRefusedDeviceCountFailsThatPollOnlyAndTheNextRecovers() {
        try (NvmlProbe probe = open(Map.of())) {
            standin.standin_set_count_result(4);
            GpuReading refused = probe.poll();
            assertThat(refused.state()).isEqualTo(ProbeState.NO_PERMISSION);
            assertThat(refused.message()).isEqualTo("NVML could not count the GPUs: Insufficient Permissions (NVML"
                    + " error 4)");
            assertThat(refused.devices()).isEmpty();
            assertThat(probe.state()).isEqualTo(ProbeState.NO_PERMISSION);

            standin.standin_set_count_result(0);
            assertThat(probe.poll().devices()).hasSize(2);
            assertThat(probe.state()).isEqualTo(ProbeState.AVAILABLE);
        }
    }

    @Test
    void initAndShutdownArePairedOverTheProbesLife() {
        NvmlProbe probe = open(Map.of());
        assertThat(standin.standin_init_calls()).isEqualTo(1);
        assertThat(standin.standin_initialised()).isEqualTo(1);
        probe.poll();
        probe.poll();
        assertThat(standin.standin_shutdown_calls()).isZero();

        probe.close();
        probe.close();

        assertThat(standin.standin_shutdown_calls()).isEqualTo(1);
        assertThat(standin.standin_initialised()).isZero();
        long calls = standin.standin_total_calls();
        GpuReading after = probe.poll();
        assertThat(after.state()).isEqualTo(ProbeState.CLOSED);
        assertThat(after.devices()).isEmpty();
        assertThat(probe.state()).isEqualTo(ProbeState.CLOSED);
        assertThat(standin.standin_total_calls()).as("no NVML call after close").isEqualTo(calls);
    }

    @Test
    void onlyTheDevicesTheEnvironmentNamesAreReported() {
        standin.standin_reset(4);
        try (NvmlProbe probe = open(Map.of("NVIDIA_VISIBLE_DEVICES", UUID2 + ",0"))) {
            GpuReading r = probe.poll();

            assertThat(r.devices()).extracting(GpuDevice::index).containsExactly(0, 2);
            assertThat(r.devices().get(1).uuid()).isEqualTo(UUID2);
            assertThat(r.message()).isEqualTo("NVML: 2 of 4 GPUs visible (NVIDIA_VISIBLE_DEVICES=" + UUID2 + ",0)");
        }
        try (NvmlProbe probe = open(Map.of("NVIDIA_VISIBLE_DEVICES", "all", "CUDA_VISIBLE_DEVICES",
                "GPU-5a7d0000-0000-4000-8000-00000000000"))) {
            // A UUID prefix, as CUDA accepts: here every device matches.
            assertThat(probe.poll().devices()).hasSize(4);
        }
        try (NvmlProbe probe = open(Map.of("CUDA_VISIBLE_DEVICES", "none"))) {
            GpuReading r = probe.poll();
            assertThat(r.state()).isEqualTo(ProbeState.AVAILABLE);
            assertThat(r.devices()).isEmpty();
        }
    }

    @Test
    void onlyTheEnginesDevicesAreReadOnceItsListIsWritten() throws IOException {
        // The stand-in library stands for a node with four GPUs (no NVIDIA GPU on the machines that run this test):
        // the sidecar sees all of them (NVIDIA_VISIBLE_DEVICES=all), the engine was given two.
        standin.standin_reset(4);
        Path list = dir.resolve("engine-gpus-" + System.nanoTime());
        try (NvmlProbe probe = NvmlProbe.open(NvmlConfig.library(library.toString()),
                DeviceVisibility.fromEnvironment(Map.of("NVIDIA_VISIBLE_DEVICES", "all")),
                new EngineDeviceFile(list), CLOCK)) {
            long beforeList = standin.standin_total_calls();
            GpuReading waiting = probe.poll();

            assertThat(waiting.state()).isEqualTo(ProbeState.DEVICES_UNKNOWN);
            assertThat(waiting.up()).isZero();
            assertThat(waiting.devices()).isEmpty();
            assertThat(waiting.message()).contains(list.toString(), "not written yet");
            assertThat(standin.standin_total_calls()).as("no GPU read while the list is unknown")
                    .isEqualTo(beforeList);

            Files.writeString(list, UUID1 + "," + UUID2 + "\n");
            GpuReading r = probe.poll();

            assertThat(r.state()).isEqualTo(ProbeState.AVAILABLE);
            assertThat(r.devices()).extracting(GpuDevice::uuid).containsExactly(UUID1, UUID2);
            assertThat(r.message()).isEqualTo("NVML: 2 of 4 GPUs visible (NVIDIA_VISIBLE_DEVICES=all " + list + "="
                    + UUID1 + "," + UUID2 + ")");
            long afterFirst = standin.standin_total_calls();
            probe.poll();
            // count + a handle per device (to match its kept UUID) + four measurements of the two listed only
            assertThat(standin.standin_total_calls() - afterFirst).isEqualTo(1 + 4 + 2 * 4);

            Files.writeString(list, "gpu1,GPU-2\n");
            GpuReading malformed = probe.poll();
            assertThat(malformed.state()).isEqualTo(ProbeState.DEVICES_UNKNOWN);
            assertThat(malformed.devices()).isEmpty();
            assertThat(malformed.message()).contains(list.toString(), "'gpu1,GPU-2'");
        }
    }

    @Test
    void nameAndUuidAreReadOncePerDevice() {
        try (NvmlProbe probe = open(Map.of())) {
            probe.poll();
            long afterFirst = standin.standin_total_calls();
            probe.poll();
            // count + per device (handle + memory + utilisation + power + temperature)
            assertThat(standin.standin_total_calls() - afterFirst).isEqualTo(1 + 2 * 5);
            assertThat(afterFirst).isEqualTo(1 + 2 * 7);
        }
    }

    @Test
    void concurrentPollsEachSeeAWholeConsistentReading() throws Exception {
        int threads = 4;
        int pollsEach = 200;
        try (NvmlProbe probe = open(Map.of())) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Callable<List<GpuReading>>> tasks = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    tasks.add(() -> {
                        List<GpuReading> seen = new ArrayList<>(pollsEach);
                        for (int i = 0; i < pollsEach; i++) {
                            seen.add(probe.poll());
                        }
                        return seen;
                    });
                }
                List<Future<List<GpuReading>>> results = pool.invokeAll(tasks, 60, TimeUnit.SECONDS);
                for (Future<List<GpuReading>> f : results) {
                    for (GpuReading r : f.get()) {
                        assertThat(r.devices()).hasSize(2);
                        assertThat(r.devices().get(0).memoryUsedBytes()).hasValue(20 * GIB);
                        assertThat(r.devices().get(1).memoryUsedBytes()).hasValue(20 * GIB + 1);
                        assertThat(r.devices().get(1).uuid()).isEqualTo(UUID1);
                        assertThat(r.devices().get(1).temperatureCelsius()).hasValue(51.0);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
        // Every poll made exactly its own calls: none lost or doubled by an interleaving.
        assertThat(standin.standin_total_calls()).isEqualTo(4 + (long) threads * pollsEach * 11);
    }

    @Test
    void aLibraryWithoutPowerLeavesPowerAbsentAndReadsTheRest() throws Exception {
        Path noPower = StandinNvml.build(dir, "libnvml-no-power.so", "-DSTANDIN_OMIT_POWER");
        try (NvmlProbe probe = NvmlProbe.open(NvmlConfig.library(noPower.toString()), Map.of(), CLOCK)) {
            GpuDevice d = probe.poll().devices().get(0);

            assertThat(d.powerWatts()).isEmpty();
            assertThat(d.problem()).isEmpty();
            assertThat(d.temperatureCelsius()).hasValue(50.0);
            assertThat(d.memoryTotalBytes()).hasValue(80 * GIB);
        }
    }

    @Test
    void aLibraryWithoutInitIsFailedWithFunctionNotFound() throws Exception {
        Path noInit = StandinNvml.build(dir, "libnvml-no-init.so", "-DSTANDIN_OMIT_INIT");
        try (NvmlProbe probe = NvmlProbe.open(NvmlConfig.library(noInit.toString()), Map.of(), CLOCK)) {
            assertThat(probe.state()).isEqualTo(ProbeState.FAILED);
            assertThat(probe.message()).isEqualTo("NVML library " + noInit + " has no nvmlInit_v2 (NVML error 13,"
                    + " function not found: a driver older than NVML v2); GPU metrics are off");
            assertThat(probe.poll().devices()).isEmpty();
        }
    }

    @Test
    void noLibraryIsOneClearMessageAndAnAbsentProbe() throws IOException {
        Path missing = dir.resolve("nowhere/libnvidia-ml.so.1");
        try (NvmlProbe probe = NvmlProbe.open(NvmlConfig.library(missing.toString()), Map.of(), CLOCK)) {
            assertThat(probe.state()).isEqualTo(ProbeState.NO_LIBRARY);
            assertThat(probe.message()).isEqualTo("NVML library not found: no file " + missing
                    + "; GPU metrics are off");
            GpuReading r = probe.poll();
            assertThat(r.state()).isEqualTo(ProbeState.NO_LIBRARY);
            assertThat(r.devices()).isEmpty();
        }
        try (NvmlProbe probe = NvmlProbe.open(NvmlConfig.library("headroom-no-such-nvml"), Map.of(), CLOCK)) {
            assertThat(probe.state()).isEqualTo(ProbeState.NO_LIBRARY);
            assertThat(probe.message()).isEqualTo("NVML library not found (tried headroom-no-such-nvml): not a GPU"
                    + " node, or the container has no NVIDIA driver libraries mounted; GPU metrics are off");
        }
        Path notALibrary = Files.writeString(dir.resolve("libnvidia-ml-text.so"), "not an ELF file\n");
        try (NvmlProbe probe = NvmlProbe.open(NvmlConfig.library(notALibrary.toString()), Map.of(), CLOCK)) {
            assertThat(probe.state()).isEqualTo(ProbeState.NO_LIBRARY);
            assertThat(probe.message()).startsWith("NVML library not found (tried " + notALibrary + ": ")
                    .doesNotContain("\n").endsWith("; GPU metrics are off");
        }
    }

    @Test
    void theDefaultLibraryNameTriesTheDriversSonameFirst() {
        assertThat(NvmlConfig.defaults().candidates()).containsExactly("libnvidia-ml.so.1", "nvidia-ml");
        assertThat(NvmlConfig.library("/opt/nvidia/libnvidia-ml.so.1").candidates())
                .containsExactly("/opt/nvidia/libnvidia-ml.so.1");
        assertThat(NvmlConfig.library(" nvml-custom ").library()).isEqualTo("nvml-custom");
        assertThat(OptionalDouble.of(NvmlLibrary.unsigned64(-1L))).hasValue(1.8446744073709552E19);
    }
}
