package dev.headroom.agent.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The sidecar image's Java runtime without Docker: {@code src/e2e/slim-runtime.sh} builds it with this JDK's jlink
 * from {@code Dockerfile.sidecar}'s module list and runs the packaged agent on it, {@code sidecar --help} and a real
 * sidecar against a simulated engine on loopback, then (with gcc, for the stand-in NVML) one that reads only the
 * engine's GPUs from its list file. A module the sidecar needs and the list lacks fails here (as {@code jdk.zipfs}
 * did: Quarkus reads its configuration through the jar file system).
 *
 * <p>Runs when the agent is packaged ({@code agent/target/quarkus-app}, which {@code ./mvnw package} or
 * {@code ./headroom} make; the test phase comes before packaging) and this JDK has jlink.
 */
class SlimRuntimeTest {

    private static final Path SCRIPT = Deploy.root().resolve("src/e2e/slim-runtime.sh");
    private static final Path APP = Deploy.root().resolve("agent/target/quarkus-app/quarkus-run.jar");

    @TempDir
    Path work;

    private static boolean hasGcc() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "gcc"))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theSidecarRunsOnTheSlimRuntimeAndAnswers() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(System.getProperty("java.home"), "bin", "jlink")),
                "this JDK has no jlink");
        assumeTrue(Files.isRegularFile(APP), "the agent is not packaged: " + APP);

        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString(), work.toString()).redirectErrorStream(true)
                .redirectOutput(work.resolve("out.txt").toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("slim-runtime.sh did not finish in 180 s");
        }
        String out = Files.readString(work.resolve("out.txt"));

        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("sidecar --help: ok", "/q/health UP; /v1/signals engine up");
        if (hasGcc()) {
            assertThat(out).contains("engine's GPU list on the slim runtime: not known until written, then only"
                    + " GPU-5a7d0000-0000-4000-8000-000000000001 of the stand-in's 2");
        }
        String modules = out.lines().filter(l -> l.startsWith("runtime modules: ")).findFirst().orElseThrow();
        assertThat(modules).doesNotContain("java.desktop", "jdk.compiler");
        assertThat(Files.isExecutable(work.resolve("jre/bin/java"))).isTrue();
        assertThat(Files.exists(work.resolve("jre/bin/javac"))).as("a runtime, not a JDK").isFalse();
    }
}
