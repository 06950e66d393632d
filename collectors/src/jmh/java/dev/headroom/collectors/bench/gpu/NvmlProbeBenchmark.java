package dev.headroom.collectors.bench.gpu;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.headroom.collectors.gpu.GpuReading;
import dev.headroom.collectors.gpu.NvmlConfig;
import dev.headroom.collectors.gpu.NvmlProbe;
import dev.headroom.collectors.gpu.ProbeState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What one {@link NvmlProbe#poll()} costs the sidecar on the Java side: the JNA calls (count, then per GPU the
 * handle and four field reads), unsigned conversions and the immutable reading. The NVML underneath is the
 * stand-in library the tests use ({@code src/test/c/nvml_standin.c}, compiled with gcc in setup), which answers
 * from memory; the real library's own time per call (a driver ioctl, tens of µs for some fields) comes on top.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class NvmlProbeBenchmark {

    /** The stand-in's control function (see the C source). */
    public interface Control extends Library {
        void standin_reset(int deviceCount);
    }

    @Param({"1", "8"})
    public int gpus;

    private Path dir;
    private NvmlProbe probe;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path source = Path.of(System.getProperty("headroom.nvml.standin", "src/test/c/nvml_standin.c"));
        dir = Files.createTempDirectory("nvml-bench");
        Path lib = dir.resolve("libnvidia-ml.so.1");
        Process gcc = new ProcessBuilder("gcc", "-shared", "-fPIC", "-O2", "-o", lib.toString(), source.toString())
                .inheritIO().start();
        if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
            throw new IllegalStateException("gcc could not build the stand-in NVML from " + source.toAbsolutePath());
        }
        Native.load(lib.toString(), Control.class).standin_reset(gpus);
        probe = NvmlProbe.open(NvmlConfig.library(lib.toString()), Map.of(), InstantSource.system());
        GpuReading first = probe.poll();
        if (first.state() != ProbeState.AVAILABLE || first.devices().size() != gpus) {
            throw new IllegalStateException("stand-in NVML not ready: " + first.message());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        probe.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Benchmark
    public GpuReading poll() {
        return probe.poll();
    }
}
