package dev.headroom.collectors.exposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Prometheus text 0.0.4 as Prometheus' own parser ({@code model/textparse/promparse.go}) reads it: more lenient
 * than OpenMetrics in the places the two formats differ. Each row: the body, and the value of sample {@code a}
 * it yields (or that it is refused, as Prometheus refuses it).
 */
class PrometheusTextEdgeCasesTest {

    static Stream<Arguments> accepted() {
        return Stream.of(
                // name, body, label b of a's first sample (or null), value of a's first sample
                Arguments.of("blank lines between samples", "\n\na 1\n\n", null, 1.0),
                Arguments.of("any comment", "# NOTE anything at all\na 2\n", null, 2.0),
                Arguments.of("a comment without a space", "#comment\na 3\n", null, 3.0),
                Arguments.of("untyped", "# TYPE a untyped\na 4\n", null, 4.0),
                Arguments.of("unknown escape kept as written", "a{b=\"x\\qy\"} 5\n", "x\\qy", 5.0),
                Arguments.of("escaped quote, backslash, newline", "a{b=\"\\\"\\\\\\n\"} 6\n", "\"\\\n", 6.0),
                Arguments.of("trailing comma in labels", "a{b=\"c\",} 7\n", "c", 7.0),
                Arguments.of("empty braces", "a{} 8\n", null, 8.0),
                Arguments.of("no newline at the end", "a 9", null, 9.0),
                Arguments.of("integer millisecond timestamp", "a 10 1712345678000\n", null, 10.0),
                Arguments.of("tabs between fields", "a\t11\t1712345678000\n", null, 11.0),
                Arguments.of("a counter without _total", "# TYPE a counter\na 12\n", null, 12.0),
                Arguments.of("Go float spellings", "a +inf\n", null, Double.POSITIVE_INFINITY),
                Arguments.of("NaN", "a NaN\n", null, Double.NaN),
                Arguments.of("an unknown HELP escape", "# HELP a x\\ty\na 13\n", null, 13.0),
                Arguments.of("CRLF line ends", "# TYPE a gauge\r\na 14\r\n", null, 14.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void acceptedAsPrometheusAcceptsIt(String name, String body, String labelB, double value) throws Exception {
        Exposition e = new ExpositionParser().parse(body.getBytes(StandardCharsets.UTF_8),
                ExpositionFormat.PROMETHEUS_TEXT);
        Sample a = e.family("a").samples().get(0);
        if (Double.isNaN(value)) {
            assertThat(a.value()).isNaN();
        } else {
            assertThat(a.value()).isEqualTo(value);
        }
        if (labelB != null) {
            assertThat(a.labels().get("b")).isEqualTo(labelB);
        }
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("a fractional timestamp", "a 1 1.5\n", "expected an integer timestamp in milliseconds"),
                Arguments.of("an exemplar", "a 1 # {t=\"1\"} 1\n", "exemplars need OpenMetrics"),
                Arguments.of("a second TYPE", "# TYPE a gauge\n# TYPE a gauge\na 1\n", "second TYPE line for 'a'"),
                Arguments.of("a label twice", "a{b=\"1\",b=\"2\"} 1\n", "label 'b' appears twice"),
                Arguments.of("a value that is no number", "a one\n", "expected a value"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusedAsPrometheusRefusesIt(String name, String body, String message) {
        assertThatThrownBy(() -> new ExpositionParser().parse(body.getBytes(StandardCharsets.UTF_8),
                ExpositionFormat.PROMETHEUS_TEXT))
                .isInstanceOfSatisfying(ExpositionException.class, e -> assertThat(e.detail()).contains(message));
    }
}
