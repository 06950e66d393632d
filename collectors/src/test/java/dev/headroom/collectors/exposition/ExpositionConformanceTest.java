package dev.headroom.collectors.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The upstream OpenMetrics parser conformance suite (prometheus/OpenMetrics {@code tests/testdata/parsers} at
 * 3bb328ab, copied under {@code src/test/resources/fixtures/openmetrics-parsers}, provenance in its SOURCE.md):
 * every case's {@code shouldParse} must agree with the strict parser in OpenMetrics mode. The lenient parser a
 * scrape uses accepts every case that should parse, and refuses every case that breaks the syntax.
 */
class ExpositionConformanceTest {

    private static final String ROOT = "/fixtures/openmetrics-parsers/";

    private final ExpositionParser strict = new ExpositionParser(ParserLimits.DEFAULTS, true);
    private final ExpositionParser lenient = new ExpositionParser();

    private static byte[] resource(String path) {
        try (InputStream in = ExpositionConformanceTest.class.getResourceAsStream(ROOT + path)) {
            if (in == null) {
                throw new IllegalStateException("missing conformance file " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> cases() {
        return new String(resource("CASES"), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    }

    static Stream<Arguments> everyCase() {
        return cases().stream().map(name -> {
            String json = new String(resource(name + "/test.json"), StandardCharsets.UTF_8).replaceAll("\\s", "");
            assertThat(json).as("case %s", name).contains("\"type\":\"text\"").contains("\"file\":\"metrics\"");
            boolean shouldParse = json.contains("\"shouldParse\":true");
            assertThat(shouldParse || json.contains("\"shouldParse\":false")).as("case %s states shouldParse", name)
                    .isTrue();
            return Arguments.of(name, shouldParse);
        });
    }

    @Test
    void theWholeSuiteIsHere() {
        assertThat(cases()).hasSize(211).contains("escaping", "label_escaping", "bad_blank_line");
    }

    @ParameterizedTest(name = "{0} parses: {1}")
    @MethodSource("everyCase")
    void agreesWithTheUpstreamVerdict(String name, boolean shouldParse) {
        byte[] metrics = resource(name + "/metrics");
        assertThat(verdict(strict, metrics)).as("case %s\n%s", name, new String(metrics, StandardCharsets.UTF_8))
                .startsWith(shouldParse ? "parsed" : "rejected");
        if (shouldParse) {
            assertThat(verdict(lenient, metrics)).as("case %s, lenient", name).isEqualTo("parsed");
        }
    }

    private static String verdict(ExpositionParser parser, byte[] metrics) {
        try {
            parser.parse(metrics, ExpositionFormat.OPENMETRICS);
            return "parsed";
        } catch (ExpositionException e) {
            return "rejected: " + e.getMessage();
        }
    }

    @Test
    void theLenientParserRefusesTheSyntaxErrorsAndAcceptsSemanticOnes() {
        List<String> bad = cases().stream().filter(c -> c.startsWith("bad_")).toList();
        List<String> refused = bad.stream().filter(c -> verdict(lenient, resource(c + "/metrics")).startsWith("rejected"))
                .toList();
        // 167 cases that should not parse: 103 break the syntax, 64 only the semantics (values, histogram points,
        // exemplar placement, units, clashing names), which a scrape leaves to the readers.
        assertThat(bad).hasSize(167);
        assertThat(refused).hasSize(103);
        assertThat(bad).filteredOn(c -> !refused.contains(c)).allMatch(c -> c.matches(
                "bad_(clashing_names|counter_values|exemplars?|grouping_or_ordering|histograms|info_and_stateset_values|"
                        + "missing_or_invalid_labels_for_a_type|stateset_info_values|unit)_.*"));
        assertThat(verdict(lenient, resource("bad_blank_line/metrics"))).startsWith("rejected");
        assertThat(verdict(lenient, resource("bad_value_3/metrics"))).startsWith("rejected");
        assertThat(verdict(lenient, resource("bad_counter_values_1/metrics"))).isEqualTo("parsed");
        assertThat(verdict(lenient, resource("bad_histograms_9/metrics"))).isEqualTo("parsed");
    }
}
