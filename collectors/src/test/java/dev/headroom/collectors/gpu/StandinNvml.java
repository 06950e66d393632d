package dev.headroom.collectors.gpu;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds the stand-in NVML ({@code src/test/c/nvml_standin.c}) with gcc and opens its control functions. Each
 * build goes to its own file: JNA and the dynamic loader keep one copy of a library per path, and that copy's
 * script is what every probe loading the path sees.
 */
final class StandinNvml {

    static final Path SOURCE = Path.of(System.getProperty("basedir", "."), "src", "test", "c", "nvml_standin.c");

    /** The control functions the stand-in exports next to NVML's (see the C source). */
    interface Control extends Library {
        void standin_reset(int deviceCount);

        void standin_set_init_result(int rc);

        void standin_set_count_result(int rc);

        void standin_set_identity(int index, String name, String uuid);

        void standin_set_memory(int index, long total, long free, long used, int rc);

        void standin_set_utilization(int index, int gpu, int memory, int rc);

        void standin_set_power(int index, int milliwatts, int rc);

        void standin_set_temperature(int index, int celsius, int rc);

        void standin_lose_after(int index, long calls);

        long standin_init_calls();

        long standin_shutdown_calls();

        long standin_total_calls();

        int standin_initialised();
    }

    private StandinNvml() {
    }

    /** Compiles the stand-in into {@code dir/fileName} with extra gcc flags (e.g. {@code -DSTANDIN_OMIT_POWER}). */
    static Path build(Path dir, String fileName, String... defines) throws IOException, InterruptedException {
        Path out = dir.resolve(fileName);
        List<String> cmd = new ArrayList<>(List.of("gcc", "-shared", "-fPIC", "-O2", "-Wall", "-Wextra", "-Werror",
                "-Wl,-soname,libnvidia-ml.so.1"));
        cmd.addAll(List.of(defines));
        cmd.addAll(List.of("-o", out.toString(), SOURCE.toString()));
        Process gcc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!gcc.waitFor(60, TimeUnit.SECONDS)) {
            gcc.destroyForcibly();
            throw new IllegalStateException("gcc did not finish within 60 s: " + cmd);
        }
        String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (gcc.exitValue() != 0 || !Files.exists(out)) {
            throw new IllegalStateException("gcc failed (" + gcc.exitValue() + "): " + cmd + "\n" + output);
        }
        return out;
    }

    static Control control(Path library) {
        return Native.load(library.toString(), Control.class);
    }
}
