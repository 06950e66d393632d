package dev.headroom.collectors.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Replays every file under the given folders (a fuzz corpus, the seed inputs) through
 * {@link ExpositionFuzzTest#fuzzerTestOneInput}, without Jazzer: the memory-bounded variant, run under the sidecar's
 * heap ({@code -Xmx48m}), which Jazzer's own agent does not start in. Exit 0 when every input gave a value or a
 * positioned error; 3 on {@link OutOfMemoryError}; 4 on any other exception, naming the input.
 *
 * <p>Usage: {@code FuzzReplayMain DIR...}
 */
public final class FuzzReplayMain {

    private FuzzReplayMain() {
    }

    public static void main(String[] args) throws IOException {
        int inputs = 0;
        long bytes = 0;
        for (String dir : args) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(Path.of(dir))) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path file : files) {
                byte[] input = Files.readAllBytes(file);
                try {
                    ExpositionFuzzTest.fuzzerTestOneInput(input);
                } catch (OutOfMemoryError e) {
                    System.out.println("OutOfMemoryError on " + file);
                    System.exit(3);
                } catch (RuntimeException e) {
                    System.out.println("finding: " + e + " on " + file);
                    System.exit(4);
                }
                inputs++;
                bytes += input.length;
            }
        }
        System.out.printf("ok: %d inputs, %d bytes, heap max %d MiB%n", inputs, bytes,
                Runtime.getRuntime().maxMemory() >> 20);
    }
}
