package dev.headroom.collectors.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The hostile bodies under the sidecar's real heap: a forked JVM with the launcher's sidecar flags
 * ({@code ./headroom}: SerialGC, {@code -Xmx48m}, 512 KiB stacks, C1 only) scrapes every one of them round after
 * round from a loopback engine in the same 48 MiB ({@link HeapBoundMain}); it must never run out of memory.
 */
class ScraperUnderSidecarHeapTest {

    @Test
    void hostileBodiesNeverRunTheSidecarHeapOutOfMemory() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-XX:+UseSerialGC", "-Xms16m", "-Xmx48m", "-Xss512k",
                "-XX:TieredStopAtLevel=1", "-XX:MaxDirectMemorySize=32m",
                "-cp", System.getProperty("java.class.path"), HeapBoundMain.class.getName(), "4");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean ended = process.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ended).as("ended within 120 s; output:\n%s", output).isTrue();
        assertThat(output).doesNotContain("OutOfMemoryError").contains("ok: 44 scrapes in 4 rounds, heap max");
        assertThat(process.exitValue()).as(output).isZero();
    }
}
