package dev.headroom.agent.docs;

import dev.headroom.agent.metrics.MetricFamily;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every exported metric, under each name an exporter gives it, is named in the docs users read for them
 * ({@code src/docs/signals.md}, {@code src/docs/observability.md}): a renamed or added row of {@link MetricFamily}
 * that the docs do not follow fails here.
 */
class MetricNamesDocTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @ParameterizedTest
    @EnumSource(MetricFamily.class)
    void everyNameOfEveryRowIsInTheDocs(MetricFamily family) throws IOException {
        String docs = Files.readString(ROOT.resolve("src/docs/signals.md"))
                + Files.readString(ROOT.resolve("src/docs/observability.md"));
        // As code, in backticks, whole: `name`, `name{labels}` or `name_bucket{le}` for a histogram's buckets.
        family.prometheusName().ifPresent(name ->
                assertThat(docs).as("%s on /q/metrics", family).containsPattern("`" + name + "(`|\\{|_bucket)"));
        family.otlpName().ifPresent(name ->
                assertThat(docs).as("%s over OTLP", family).containsPattern("`" + name.replace(".", "\\.") + "`"));
    }
}
