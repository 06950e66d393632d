package dev.headroom.agent.docs;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every file or folder of this repository that {@code README.md} and {@code src/docs/*.md} name exists: the
 * targets of relative links, and code spans that begin with one of the repository's top-level folders
 * ({@code `signals/.../monitor/EngineMonitor`}, {@code `dashboards/prometheus/headroom-alerts.yml`}). In a code span,
 * {@code ...} or {@code …} stands for any folders, and a name without an extension may be a {@code .java} file.
 * Build output ({@code target/}) is generated, so it is not checked.
 */
class DocPathsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern CODE = Pattern.compile("`([^`\\s]+)`");

    /** Every file and folder of the repository, relative to its root, with '/' separators. */
    private static Set<String> paths;
    private static Set<String> topLevel;

    @BeforeAll
    static void listRepository() throws IOException {
        try (Stream<Path> walk = Files.walk(ROOT)) {
            paths = walk.map(p -> ROOT.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.isEmpty() && !p.startsWith(".git/") && !p.contains("/target/")
                            && !p.startsWith("target/") && !p.contains("node_modules/"))
                    .collect(Collectors.toSet());
        }
        try (Stream<Path> list = Files.list(ROOT)) {
            topLevel = list.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(".git")).collect(Collectors.toSet());
        }
    }

    @Test
    void everyPathTheDocsNameExists() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> list = Files.list(ROOT.resolve("src/docs"))) {
            list.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Path doc : docs) {
            String base = ROOT.relativize(doc.getParent()).toString().replace('\\', '/');
            List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i < lines.size(); i++) {
                String where = ROOT.relativize(doc) + ":" + (i + 1);
                Matcher link = LINK.matcher(lines.get(i));
                while (link.find()) {
                    String target = link.group(1).replaceFirst("#.*", "");
                    if (target.isEmpty() || target.contains("://") || target.startsWith("mailto:")) {
                        continue;
                    }
                    checked++;
                    if (!exists(Path.of(base).resolve(target).normalize().toString().replace('\\', '/'))) {
                        missing.add(where + " links to " + link.group(1));
                    }
                }
                Matcher code = CODE.matcher(lines.get(i));
                while (code.find()) {
                    String span = code.group(1);
                    int slash = span.indexOf('/');
                    if (slash <= 0 || !topLevel.contains(span.substring(0, slash)) || span.contains("/target/")
                            || !span.matches("[A-Za-z0-9_./\\-…]+")) {
                        continue;
                    }
                    checked++;
                    if (!exists(span)) {
                        missing.add(where + " names " + span);
                    }
                }
            }
        }
        assertThat(checked).as("paths found in the docs").isGreaterThan(20);
        assertThat(missing).as("paths named in the docs that are not in the repository").isEmpty();
    }

    @Test
    void theCheckFindsAMissingPathAndReadsEllipsesAsFolders() {
        assertThat(exists("signals/.../monitor/EngineMonitor")).isTrue();
        assertThat(exists("autoscaler/.../signals/SampleWindow")).isFalse();
        assertThat(exists("dashboards/prometheus/headroom-alerts.yml")).isTrue();
        assertThat(exists("src/docs/no-such-page.md")).isFalse();
    }

    private static boolean exists(String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (!p.contains("...") && !p.contains("…")) {
            return paths.contains(p) || paths.contains(p + ".java") && !p.contains(".");
        }
        StringBuilder regex = new StringBuilder();
        for (String part : p.split("(\\.\\.\\.|…)", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        Pattern pattern = Pattern.compile(regex + "(\\.java)?");
        return paths.stream().anyMatch(candidate -> pattern.matcher(candidate).matches());
    }
}
