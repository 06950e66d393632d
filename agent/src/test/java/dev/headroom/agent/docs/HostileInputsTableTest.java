package dev.headroom.agent.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "Hostile inputs" table of {@code src/docs/signals.md} names, for each case of issue 14, the tests that prove
 * what happens now: every row names at least one, and every test it names exists ({@code Name} a test class of some
 * module, {@code Name#method} a method of it), so that the table cannot point at a test that was renamed or removed.
 */
class HostileInputsTableTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern TEST = Pattern.compile("`([A-Z][A-Za-z0-9]*Test)(?:#([A-Za-z0-9]+))?`");

    @Test
    void everyRowNamesTestsThatExist() throws IOException {
        List<String> rows = rows();
        assertThat(rows).as("rows: the nine cases of the first table and the eight of the second, at least")
                .hasSizeGreaterThanOrEqualTo(17);
        Map<String, Path> classes = testClasses();
        List<String> missing = new ArrayList<>();
        for (String row : rows) {
            String[] cells = row.split("\\|");
            String tests = cells[cells.length - 1];
            Matcher m = TEST.matcher(tests);
            int named = 0;
            while (m.find()) {
                named++;
                Path file = classes.get(m.group(1));
                if (file == null) {
                    missing.add(m.group(1));
                } else if (m.group(2) != null && !Files.readString(file).contains(" " + m.group(2) + "(")) {
                    missing.add(m.group(1) + "#" + m.group(2));
                }
            }
            assertThat(named).as("tests named in: %s", row).isPositive();
        }
        assertThat(missing).as("tests the table names that do not exist").isEmpty();
    }

    /** The table's body rows, header and separator left out. */
    private static List<String> rows() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("src/docs/signals.md"));
        int start = lines.indexOf("## Hostile inputs");
        assertThat(start).as("the section in signals.md").isNotNegative();
        List<String> rows = new ArrayList<>();
        for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
            String line = lines.get(i);
            if (line.startsWith("|") && !line.startsWith("|---") && !line.startsWith("| what was sent")) {
                rows.add(line);
            }
        }
        return rows;
    }

    /** Simple name → file of every test source in the repository's modules. */
    private static Map<String, Path> testClasses() throws IOException {
        Map<String, Path> classes = new HashMap<>();
        try (Stream<Path> walk = Files.walk(ROOT)) {
            walk.filter(p -> p.toString().replace('\\', '/').contains("/src/test/java/"))
                    .filter(p -> !p.toString().contains("/target/") && p.toString().endsWith(".java"))
                    .forEach(p -> classes.put(p.getFileName().toString().replace(".java", ""), p));
        }
        return classes;
    }
}
