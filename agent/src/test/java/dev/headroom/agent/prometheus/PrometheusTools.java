package dev.headroom.agent.prometheus;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Prometheus binaries (Debian's {@code prometheus} package: {@code prometheus} and {@code promtool}) and
 * the repository's {@code dashboards/} folder. A test that needs a binary is skipped, saying why, only when
 * the binary is not installed; CI installs the package.
 */
final class PrometheusTools {

    /** The repository's dashboards, dashboard schema and Prometheus rules (tests run in {@code agent/}). */
    static final Path DASHBOARDS = Path.of("..", "dashboards").toAbsolutePath().normalize();

    private PrometheusTools() {
    }

    static Path require(String binary) {
        Optional<Path> found = find(binary);
        if (found.isEmpty()) {
            String why = binary + " is not installed (apt-get install -y prometheus); skipping";
            System.out.println(why);
            assumeTrue(false, why);
        }
        return found.get();
    }

    static Optional<Path> find(String binary) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, binary);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** What a finished command said. */
    record Outcome(int exitCode, String output) {
    }

    /** Runs a command to completion within {@code limit}, stdin from {@code input} (may be null). */
    static Outcome run(Path workDir, Duration limit, byte[] input, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("headroom-promtool", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(List.of(command)).directory(workDir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            Process p = pb.start();
            try (var stdin = p.getOutputStream()) {
                if (input != null) {
                    stdin.write(input);
                }
            }
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + limit);
            }
            return new Outcome(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    static List<Path> dashboards() throws IOException {
        List<Path> out = new ArrayList<>();
        try (var files = Files.list(DASHBOARDS.resolve("grafana"))) {
            files.filter(f -> f.toString().endsWith(".json")).sorted().forEach(out::add);
        }
        return out;
    }
}
