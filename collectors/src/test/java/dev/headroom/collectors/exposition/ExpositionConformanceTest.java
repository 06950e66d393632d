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
 * every case's {@code shouldParse} must agree with the parser in OpenMetrics mode.
 */
class ExpositionConformanceTest {

    private static final String ROOT = "/fixtures/openmetrics-parsers/";

    private final ExpositionParser parser = new ExpositionParser();

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
        String verdict;
        try {
            parser.parse(metrics, ExpositionFormat.OPENMETRICS);
            verdict = "parsed";
        } catch (ExpositionException e) {
            verdict = "rejected: " + e.getMessage();
        }
        assertThat(verdict).as("case %s\n%s", name, new String(metrics, StandardCharsets.UTF_8))
                .startsWith(shouldParse ? "parsed" : "rejected");
    }
}
