package dev.headroom.agent.docs;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sidecar role depends on collectors and signals only ({@code src/docs/design.md}, "Modules and layering"):
 * the agent's packages it runs on, and the table of exported metrics they render from, never import the
 * autoscaler. Read from the sources, as the compiler would see an import.
 */
class SidecarLayeringTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/headroom/agent").toAbsolutePath();

    @ParameterizedTest
    @ValueSource(strings = {"sidecar", "otel", "metrics"})
    void theSidecarsPackagesDoNotImportTheAutoscaler(String pkg) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(SOURCES.resolve(pkg))) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertThat(files).as("sources of %s", pkg).isNotEmpty();
        for (Path file : files) {
            assertThat(Files.readString(file)).as("%s", SOURCES.relativize(file))
                    .doesNotContain("dev.headroom.autoscaler");
        }
    }
}
