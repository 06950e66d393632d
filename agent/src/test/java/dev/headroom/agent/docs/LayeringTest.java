package dev.headroom.agent.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module layering and the "one path, assembled once" rules, read from the main sources of every module so
 * that a change that breaks them fails the build instead of waiting for a reviewer.
 *
 * <p>Layers, bottom to top: collectors, simulator, signals, autoscaler, evaluation, agent. A module may name its
 * own packages and those of the modules below it that its pom depends on. The agent's sidecar role (its
 * {@code sidecar}, {@code otel} and {@code metrics} packages) depends on collectors and signals only
 * ({@code src/docs/design.md}, "Modules and layering").
 */
class LayeringTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.headroom\\.([a-z]+)\\b");

    /** Which of Headroom's top-level packages each module may name. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "collectors", Set.of("collectors"),
            "simulator", Set.of("simulator"),
            "signals", Set.of("signals", "collectors"),
            "autoscaler", Set.of("autoscaler", "signals", "collectors"),
            "evaluation", Set.of("evaluation", "autoscaler", "signals", "collectors", "simulator"),
            "agent", Set.of("agent", "evaluation", "autoscaler", "signals", "collectors", "simulator"));

    @Test
    void noModuleNamesAModuleAboveIt() {
        List<String> violations = new ArrayList<>();
        ALLOWED.forEach((module, allowed) -> sources(module).forEach(file -> {
            for (String named : referencedModules(file)) {
                if (!allowed.contains(named)) {
                    violations.add(ROOT.relativize(file) + " names dev.headroom." + named);
                }
            }
        }));
        assertThat(violations).isEmpty();
    }

    @Test
    void theSidecarRoleDoesNotDependOnTheControllersModule() {
        List<String> violations = new ArrayList<>();
        for (String pkg : List.of("sidecar", "otel", "metrics")) {
            sourcesUnder(ROOT.resolve("agent/src/main/java/dev/headroom/agent/" + pkg)).forEach(file -> {
                Set<String> named = referencedModules(file);
                if (named.contains("autoscaler") || named.contains("evaluation")) {
                    violations.add(ROOT.relativize(file) + " names " + named);
                }
            });
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void librariesKnowNothingOfQuarkus() {
        List<String> violations = new ArrayList<>();
        for (String module : List.of("collectors", "simulator", "signals", "autoscaler", "evaluation")) {
            sources(module).forEach(file -> {
                String text = read(file);
                if (text.contains("import io.quarkus.") || text.contains("import jakarta.")) {
                    violations.add(ROOT.relativize(file).toString());
                }
            });
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void onlyCollectorsParsesExpositionText() {
        List<String> violations = new ArrayList<>();
        ALLOWED.keySet().stream().filter(m -> !m.equals("collectors")).forEach(module -> sources(module)
                .forEach(file -> {
                    if (code(read(file)).contains("new ExpositionParser(")) {
                        violations.add(ROOT.relativize(file).toString());
                    }
                }));
        assertThat(violations).isEmpty();
    }

    @Test
    void scaleEventsAreRecordedByOneClass() {
        Set<String> recorders = new TreeSet<>();
        for (String module : ALLOWED.keySet()) {
            sources(module).forEach(file -> {
                if (code(read(file)).contains(".recordScale(")) {
                    recorders.add(ROOT.relativize(file).toString());
                }
            });
        }
        assertThat(recorders).hasSize(1);
    }

    private static Set<String> referencedModules(Path file) {
        Set<String> named = new TreeSet<>();
        Matcher m = REFERENCE.matcher(code(read(file)));
        while (m.find()) {
            named.add(m.group(1));
        }
        return named;
    }

    /** The source without comments, so that prose naming another module is not a dependency. */
    private static String code(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
    }

    private static List<Path> sources(String module) {
        return sourcesUnder(ROOT.resolve(module).resolve("src/main/java"));
    }

    private static List<Path> sourcesUnder(Path dir) {
        assertThat(dir).as("source folder").isDirectory();
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
