package dev.headroom.agent.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM ends a JVM with the shutdown deadline installed: at the deadline when another shutdown hook is stuck, at
 * once when nothing is. Each case is a real child JVM (this class's {@link #main}) sent SIGTERM by
 * {@link Process#destroy()}.
 */
class ShutdownDeadlineTest {

    @TempDir
    Path dir;

    /** Child: installs the deadline ({@code args[0]} ms), optionally a stuck hook, says ready, then waits. */
    public static void main(String[] args) throws Exception {
        ShutdownDeadline.install(Duration.ofMillis(Long.parseLong(args[0])));
        if (args[1].equals("stuck")) {
            // A shutdown step that never finishes: it waits on a latch nobody counts down.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException ignored) {
                    // ends only with the JVM
                }
            }));
        }
        System.out.println("ready");
        System.out.flush();
        new CountDownLatch(1).await(); // until SIGTERM
    }

    @Test
    void aShutdownStuckInAHookIsHaltedAtTheDeadline() throws Exception {
        Run run = sigterm(1_000, "stuck");
        assertThat(run.exited).as("exited within 15 s of SIGTERM").isTrue();
        assertThat(run.took).isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(Duration.ofSeconds(10));
        assertThat(run.exitStatus).isEqualTo(ShutdownDeadline.HALT_STATUS);
        assertThat(run.stderr).contains("shutdown still running after 1 s; halting the JVM");
    }

    @Test
    void anOrderlyShutdownIsNotDelayedByTheDeadline() throws Exception {
        Run run = sigterm(20_000, "none");
        assertThat(run.exited).isTrue();
        assertThat(run.took).as("well before the 20 s deadline").isLessThan(Duration.ofSeconds(5));
        assertThat(run.stderr).doesNotContain("halting");
    }

    record Run(boolean exited, Duration took, int exitStatus, String stderr) {
    }

    private Run sigterm(long deadlineMillis, String hook) throws Exception {
        Path err = dir.resolve("stderr-" + hook + ".txt");
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-cp", System.getProperty("java.class.path"), ShutdownDeadlineTest.class.getName(),
                Long.toString(deadlineMillis), hook)).redirectError(err.toFile()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("ready");
            long t0 = System.nanoTime();
            p.destroy(); // SIGTERM
            boolean exited = p.waitFor(15, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            if (!exited) {
                p.destroyForcibly();
            }
            return new Run(exited, took, exited ? p.exitValue() : -1, Files.readString(err));
        }
    }
}
