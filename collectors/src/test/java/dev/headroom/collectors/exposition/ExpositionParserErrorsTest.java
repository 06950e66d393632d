package dev.headroom.collectors.exposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed input: a typed error with line, column and what was expected; never an unchecked exception. */
class ExpositionParserErrorsTest {

    private static final ExpositionFormat TEXT = ExpositionFormat.PROMETHEUS_TEXT;
    private static final ExpositionFormat OM = ExpositionFormat.OPENMETRICS;

    static Stream<Arguments> malformed() {
        return Stream.of(
                // name, format, body, line, column, message fragment
                Arguments.of("truncated label value", TEXT, "a 1\nb{x=\"unterminated", 2, 18,
                        "unterminated value of label 'x': expected '\"', found end of input"),
                Arguments.of("label value cut by newline", TEXT, "b{x=\"ab\nc\"} 1\n", 1, 8,
                        "unterminated value of label 'x': expected '\"', found end of line"),
                Arguments.of("truncated after name", TEXT, "# TYPE a gauge\na", 2, 2,
                        "expected a space after the metric name, found end of input (the line is truncated)"),
                Arguments.of("truncated after labels", TEXT, "a{b=\"c\"}\n", 1, 9,
                        "expected a space after the labels, found end of line"),
                Arguments.of("not a number", TEXT, "a 12abc\n", 1, 3,
                        "expected a value (a number, NaN, +Inf or -Inf), found '12abc'"),
                Arguments.of("missing value", TEXT, "a{} \n", 1, 5, "expected a value"),
                Arguments.of("binary garbage", TEXT, "\u0000\u0001\u0002", 1, 1,
                        "expected a metric name, '#' or end of line, found byte 0x00"),
                Arguments.of("missing equals", TEXT, "a{b\"c\"} 1", 1, 4, "expected '=' after label name 'b', found '\"'"),
                Arguments.of("unquoted label value", TEXT, "a{b=c} 1", 1, 5, "expected '\"' to open the value of label 'b'"),
                Arguments.of("junk after label value", TEXT, "a{b=\"c\" d=\"e\"} 1", 1, 9,
                        "expected ',' or '}' after the value of label 'b', found 'd'"),
                Arguments.of("bad label name", TEXT, "a{1b=\"c\"} 1", 1, 3, "expected a label name or '}', found '1'"),
                Arguments.of("duplicate label", TEXT, "a{b=\"1\",b=\"2\"} 1", 1, 9, "label 'b' appears twice"),
                Arguments.of("duplicate TYPE", TEXT, "# TYPE a gauge\n# TYPE a gauge\na 1\n", 2, 1,
                        "second TYPE line for 'a': gauge here, gauge on line 1"),
                Arguments.of("contradicting TYPE", TEXT, "# TYPE a gauge\n# TYPE a counter\na 1\n", 2, 1,
                        "contradicting TYPE line for 'a': counter here, gauge on line 1"),
                Arguments.of("TYPE after samples", TEXT, "a 1\n# TYPE a gauge\n", 2, 1,
                        "TYPE line for 'a' comes after its samples (first on line 1)"),
                Arguments.of("duplicate HELP", TEXT, "# HELP a x\n# HELP a y\n", 2, 1, "second HELP line for 'a' (first on line 1)"),
                Arguments.of("unknown type", TEXT, "# TYPE a meter\n", 1, 10, "expected a metric type (counter, gauge"),
                Arguments.of("TYPE without type", TEXT, "# TYPE a\n", 1, 9, "expected a metric type after 'a', found end of line"),
                Arguments.of("typed family split in two", TEXT, "# TYPE a gauge\na{x=\"1\"} 1\nb 2\na{x=\"2\"} 3\n", 4, 1,
                        "samples of gauge family 'a' are not grouped together (first on line 2)"),
                Arguments.of("histogram sample without suffix", TEXT,
                        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh{le=\"2\"} 2\n", 3, 1,
                        "sample 'h' does not belong to histogram family 'h': expected h_bucket, h_count, h_sum or h_created"),
                Arguments.of("bucket without le", TEXT, "# TYPE h histogram\nh_bucket{a=\"1\"} 1\n", 2, 1,
                        "histogram bucket 'h_bucket' has no 'le' label"),
                Arguments.of("non-numeric le", TEXT, "# TYPE h histogram\nh_bucket{le=\"fast\"} 1\n", 2, 14,
                        "expected a number for label 'le', found 'fast'"),
                Arguments.of("summary without quantile", TEXT, "# TYPE s summary\ns{a=\"1\"} 1\n", 2, 1,
                        "summary sample 's' has no 'quantile' label"),
                Arguments.of("float timestamp in text format", TEXT, "a 1 12.5\n", 1, 5,
                        "expected an integer timestamp in milliseconds or end of line, found '12.5'"),
                Arguments.of("trailing junk", TEXT, "a 1 2 3\n", 1, 7, "expected end of line after the sample, found '3'"),
                Arguments.of("exemplar in text format", TEXT, "a_total 1 # {a=\"b\"} 1\n", 1, 11,
                        "exemplars need OpenMetrics"),
                Arguments.of("OpenMetrics without EOF", OM, "# TYPE a gauge\na 1\n", 3, 1,
                        "expected '# EOF' as the last line of an OpenMetrics body, found end of input"),
                Arguments.of("content after EOF", OM, "a 1\n# EOF\nb 2\n", 3, 1, "expected nothing after '# EOF', found 'b'"),
                Arguments.of("bad exemplar", OM, "# TYPE a counter\na_total 1 # a 1\n# EOF\n", 2, 13,
                        "expected '{' to open the exemplar's labels, found 'a'"),
                Arguments.of("OpenMetrics timestamp not a number", OM, "a 1 soon\n# EOF\n", 1, 5,
                        "expected a timestamp in seconds or end of line, found 'soon'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedInputIsATypedErrorWithPosition(String name, ExpositionFormat format, String body, int line,
            int column, String message) {
        assertThatThrownBy(() -> new ExpositionParser().parse(body.getBytes(StandardCharsets.UTF_8), format))
                .isInstanceOfSatisfying(ExpositionException.class, ex -> {
                    assertThat(ex.detail()).contains(message);
                    assertThat(ex.line()).as("line").isEqualTo(line);
                    assertThat(ex.column()).as("column").isEqualTo(column);
                    assertThat(ex.getMessage()).startsWith("line " + line + ", column " + column + ": ");
                });
    }

    @Test
    void aFiftyMegabyteBodyIsRefusedBeforeParsing() {
        byte[] body = new byte[50 * 1024 * 1024];
        Arrays.fill(body, (byte) 'a');
        assertThatThrownBy(() -> new ExpositionParser().parse(body, TEXT))
                .isInstanceOfSatisfying(ExpositionException.class, ex -> assertThat(ex.detail())
                        .isEqualTo("body is 52428800 bytes, more than the limit of 4194304 (ParserLimits.maxBodyBytes)"));
    }

    @Test
    void seriesLabelCountAndLabelLengthLimitsAreEnforced() {
        ExpositionParser tight = new ExpositionParser(ParserLimits.DEFAULTS.withMaxSeries(2)
                .withMaxLabelsPerSeries(2).withMaxLabelValueLength(4));
        assertThatThrownBy(() -> tight.parse("a 1\nb 2\nc 3\n".getBytes(StandardCharsets.UTF_8), TEXT))
                .isInstanceOfSatisfying(ExpositionException.class, ex -> {
                    assertThat(ex.line()).isEqualTo(3);
                    assertThat(ex.detail()).contains("more than 2 series");
                });
        assertThatThrownBy(() -> tight.parse("a{x=\"1\",y=\"2\",z=\"3\"} 1".getBytes(StandardCharsets.UTF_8), TEXT))
                .isInstanceOfSatisfying(ExpositionException.class, ex -> {
                    assertThat(ex.column()).isEqualTo(15);
                    assertThat(ex.detail()).contains("more than 2 labels on one series");
                });
        assertThatThrownBy(() -> tight.parse("a{x=\"12345\"} 1".getBytes(StandardCharsets.UTF_8), TEXT))
                .isInstanceOfSatisfying(ExpositionException.class, ex -> {
                    assertThat(ex.column()).isEqualTo(6);
                    assertThat(ex.detail()).contains("longer than 4 bytes");
                });
    }

    @Test
    void randomBytesNeverEscapeAsAnUncheckedException() {
        Random random = new Random(42);
        ExpositionParser parser = new ExpositionParser();
        for (int i = 0; i < 2_000; i++) {
            byte[] body = new byte[random.nextInt(200)];
            random.nextBytes(body);
            for (ExpositionFormat format : ExpositionFormat.values()) {
                try {
                    parser.parse(body, format);
                } catch (ExpositionException expected) {
                    assertThat(expected.line()).isPositive();
                    assertThat(expected.column()).isPositive();
                }
            }
        }
    }

    @Test
    void mutatedRealPayloadsFailCleanlyOrParse() {
        byte[] original = dev.headroom.collectors.Fixtures.engine(dev.headroom.collectors.Fixtures.VLLM_V1);
        Random random = new Random(7);
        ExpositionParser parser = new ExpositionParser();
        byte[] noise = {'"', '\\', '{', '}', ',', '\n', ' ', '#', '=', 0, (byte) 0xff};
        for (int i = 0; i < 500; i++) {
            byte[] body = original.clone();
            for (int k = 0; k < 3; k++) {
                body[random.nextInt(body.length)] = noise[random.nextInt(noise.length)];
            }
            int length = random.nextInt(body.length + 1);
            try {
                parser.parse(body, 0, length, TEXT, FamilyFilter.ALL);
            } catch (ExpositionException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void whatTheFormatsAllowParses() throws Exception {
        String body = "# HELP x_total A \\\\ \"quoted\\\" help\\nline two\n# TYPE x_total counter\n"
                + "x_total{path=\"a#b{c},d\",esc=\"q\\\"\\\\\\n\", } 1.5e+3 1700000000000\r\n"
                + "x_total{} 8.969000\n"
                + "\n# just a comment\n"
                + "untyped_thing{le=\"x\"} -Inf";
        Exposition e = new ExpositionParser().parse(body.getBytes(StandardCharsets.UTF_8), TEXT);
        MetricFamily x = e.family("x_total");
        assertThat(x.help()).isEqualTo("A \\ \"quoted\" help\nline two");
        Sample first = x.samples().get(0);
        assertThat(first.labels()).isEqualTo(Labels.of("path", "a#b{c},d", "esc", "q\"\\\n"));
        assertThat(first.value()).isEqualTo(1500.0);
        assertThat(first.timestampMillis()).isEqualTo(1_700_000_000_000L);
        assertThat(x.samples().get(1).labels()).isEqualTo(Labels.EMPTY);
        assertThat(x.samples().get(1).value()).isEqualTo(8.969);
        assertThat(e.family("untyped_thing").type()).isEqualTo(MetricType.UNKNOWN);
        assertThat(e.family("untyped_thing").samples().get(0).value()).isEqualTo(Double.NEGATIVE_INFINITY);
    }
}
