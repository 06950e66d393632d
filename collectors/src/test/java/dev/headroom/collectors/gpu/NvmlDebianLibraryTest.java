package dev.headroom.collectors.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The probe against Debian's real NVML (non-free package {@code libnvidia-ml1}), unpacked by
 * {@code src/e2e/fetch-libnvidia-ml.sh} into {@code ~/.cache/headroom/libnvidia-ml1} (or
 * {@code $HEADROOM_NVML_CACHE}). On a machine without the NVIDIA driver the real {@code nvmlInit_v2} answers 9,
 * which must become {@link ProbeState#DRIVER_NOT_LOADED}. Skipped when the library has not been fetched, or
 * when this machine does have the driver (then init would succeed or fail on a version mismatch instead).
 */
class NvmlDebianLibraryTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T10:00:00Z"), ZoneOffset.UTC);

    static Path unpackedLibrary() throws IOException {
        String cache = System.getenv("HEADROOM_NVML_CACHE");
        Path dir = cache != null && !cache.isBlank() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "headroom", "libnvidia-ml1");
        Path marker = dir.resolve("libnvidia-ml.so.1.path");
        if (!Files.isRegularFile(marker)) {
            return null;
        }
        Path lib = Path.of(Files.readString(marker, StandardCharsets.UTF_8).trim());
        return Files.isRegularFile(lib) ? lib : null;
    }

    @Test
    void theRealLibraryWithoutADriverIsDriverNotLoaded() throws IOException {
        Path lib = unpackedLibrary();
        assumeTrue(lib != null, "Debian's libnvidia-ml1 is not unpacked: run src/e2e/fetch-libnvidia-ml.sh");
        assumeFalse(Files.exists(Path.of("/proc/driver/nvidia")), "this machine has the NVIDIA driver loaded");

        try (NvmlProbe probe = NvmlProbe.open(NvmlConfig.library(lib.toString()), Map.of(), CLOCK)) {
            assertThat(probe.library()).isEqualTo(lib.toString());
            assertThat(probe.state()).isEqualTo(ProbeState.DRIVER_NOT_LOADED);
            // "Driver Not Loaded" is the real library's own nvmlErrorString text.
            assertThat(probe.message()).isEqualTo("NVML init failed: Driver Not Loaded (NVML error 9): the NVIDIA"
                    + " kernel driver is not loaded on this node; GPU metrics are off");
            GpuReading r = probe.poll();
            assertThat(r.state()).isEqualTo(ProbeState.DRIVER_NOT_LOADED);
            assertThat(r.up()).isZero();
            assertThat(r.devices()).isEmpty();
        }
    }
}
