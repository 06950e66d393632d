package dev.headroom.collectors.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's device list as the sidecar reads it from the shared volume, file by file. */
class EngineDeviceFileTest {

    private static final String UUID_A = "GPU-8f3c0000-0000-4000-8000-00000000000a";
    private static final String UUID_B = "GPU-8f3c0000-0000-4000-8000-00000000000b";

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("gpus");
    }

    private DeviceScope readWith(String content) throws IOException {
        Files.writeString(file(), content);
        return new EngineDeviceFile(file()).get();
    }

    @Test
    void aMissingFileIsNotYetKnownNeitherAllNorNone() {
        DeviceScope scope = new EngineDeviceFile(file()).get();

        assertThat(scope.isKnown()).isFalse();
        assertThat(scope.reason()).isEqualTo("GPU device list " + file() + " not written yet (the engine writes it"
                + " when it starts); GPU readings wait for it");
    }

    @Test
    void anEmptyFileIsNotYetKnown() throws IOException {
        // What a reader sees between the shell's truncation and its write, or what an engine without the variable
        // writes: neither says which GPUs are the engine's.
        for (String empty : new String[] {"", "\n", "  \n\t"}) {
            DeviceScope scope = readWith(empty);
            assertThat(scope.isKnown()).as("'%s'", empty).isFalse();
            assertThat(scope.reason()).startsWith("GPU device list " + file() + " is empty");
        }
    }

    @Test
    void uuidsTheDevicePluginSetAreTheOnlyDevicesAllowed() throws IOException {
        DeviceVisibility v = readWith(UUID_A + "," + UUID_B + "\n").visibility().orElseThrow();

        assertThat(v.allows(7, UUID_A)).isTrue();
        assertThat(v.allows(0, UUID_B)).isTrue();
        assertThat(v.allows(0, "GPU-8f3c0000-0000-4000-8000-00000000000c")).isFalse();
        assertThat(v.allows(0, "")).as("a UUID list says nothing about indices").isFalse();
        assertThat(v.describe()).isEqualTo(file() + "=" + UUID_A + "," + UUID_B);
    }

    @Test
    void migUuidsAndOneUuidPerLineAsNvidiaSmiPrintsThem() throws IOException {
        DeviceVisibility v = readWith(UUID_A + "\nMIG-4f1e0000-0000-4000-8000-000000000001\n").visibility()
                .orElseThrow();

        assertThat(v.allows(0, UUID_A)).isTrue();
        assertThat(v.allows(1, "MIG-4f1e0000-0000-4000-8000-000000000001")).isTrue();
        assertThat(v.allows(2, UUID_B)).isFalse();
    }

    @Test
    void indicesAreTheNodesNumbering() throws IOException {
        DeviceVisibility v = readWith("1, 3").visibility().orElseThrow();

        assertThat(v.allows(1, UUID_A)).isTrue();
        assertThat(v.allows(3, "")).isTrue();
        assertThat(v.allows(0, UUID_B)).isFalse();
        assertThat(v.allows(2, "")).isFalse();
    }

    @Test
    void allAndNoneMeanWhatTheVariableMeans() throws IOException {
        DeviceVisibility all = readWith("all\n").visibility().orElseThrow();
        assertThat(all.allows(5, UUID_A)).isTrue();

        DeviceVisibility none = readWith("none\n").visibility().orElseThrow();
        assertThat(none.allows(0, UUID_A)).isFalse();
    }

    @Test
    void aMalformedListNamesTheFileAndTheValueAndReadsNothingOfIt() throws IOException {
        // CUDA's syntax would keep GPU A and drop the rest silently; the file is all or nothing.
        DeviceScope scope = readWith(UUID_A + ",gpu1\n");

        assertThat(scope.isKnown()).isFalse();
        assertThat(scope.reason()).isEqualTo("GPU device list " + file() + " holds '" + UUID_A + ",gpu1', not a"
                + " device list: 'gpu1' is neither a device index nor a UUID (GPU-…, MIG-…); GPU readings wait for a"
                + " valid list");
    }

    @Test
    void valuesOfOtherDevicePluginStrategiesSayWhatToWriteInstead() throws IOException {
        DeviceScope cdi = readWith("void\n");
        assertThat(cdi.isKnown()).isFalse();
        assertThat(cdi.reason()).contains(file().toString(), "'void'", "CDI",
                "nvidia-smi --query-gpu=uuid --format=csv,noheader");

        DeviceScope mounts = readWith("/var/run/nvidia-container-devices\n");
        assertThat(mounts.isKnown()).isFalse();
        assertThat(mounts.reason()).contains("'/var/run/nvidia-container-devices'", "volume mounts",
                "nvidia-smi --query-gpu=uuid");
    }

    @Test
    void aChangeIsSeenAtTheNextRead() throws IOException {
        EngineDeviceFile engine = new EngineDeviceFile(file());
        assertThat(engine.get().isKnown()).isFalse();

        Files.writeString(file(), UUID_A + "\n");
        assertThat(engine.get().visibility().orElseThrow().allows(0, UUID_A)).isTrue();

        // The engine restarted in place and wrote its list again.
        Files.writeString(file(), UUID_B + "\n");
        DeviceVisibility now = engine.get().visibility().orElseThrow();
        assertThat(now.allows(0, UUID_A)).isFalse();
        assertThat(now.allows(0, UUID_B)).isTrue();

        Files.delete(file());
        assertThat(engine.get().isKnown()).isFalse();
    }

    @Test
    void aFolderInsteadOfAFileIsReportedNotThrown() throws IOException {
        Files.createDirectory(file());

        DeviceScope scope = new EngineDeviceFile(file()).get();

        assertThat(scope.isKnown()).isFalse();
        assertThat(scope.reason()).startsWith("GPU device list " + file() + " cannot be read (");
    }
}
