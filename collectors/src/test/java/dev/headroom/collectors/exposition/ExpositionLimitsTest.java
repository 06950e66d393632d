package dev.headroom.collectors.exposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Limits that bound memory, bodies that are not exposition text at all, and escapes as Prometheus reads them. */
class ExpositionLimitsTest {

    private static final ExpositionFormat TEXT = ExpositionFormat.PROMETHEUS_TEXT;
    private static final ExpositionFormat OM = ExpositionFormat.OPENMETRICS;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] distinctNames(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("m").append(i).append(" 1\n");
        }
        return bytes(sb.toString());
    }

    @Test
    void theDefaultsFitTheSidecarHeap() {
        ParserLimits d = ParserLimits.DEFAULTS;
        assertThat(d.maxBodyBytes()).isEqualTo(4L * 1024 * 1024);
        assertThat(d.maxSeries()).isEqualTo(20_000);
        assertThat(d.maxLineBytes()).isEqualTo(64 * 1024);
        assertThat(d.maxFamilies()).isEqualTo(10_000);
        assertThat(new ParserLimits(1, 2, 3, 4, 5).maxFamilies()).isEqualTo(ParserLimits.DEFAULT_MAX_FAMILIES);
    }

    @Test
    void tooManyDistinctNamesIsALimitNotAFormatError() {
        ExpositionParser parser = new ExpositionParser();
        assertThatThrownBy(() -> parser.parse(distinctNames(10_001), TEXT))
                .isInstanceOfSatisfying(ExpositionException.class, e -> {
                    assertThat(e.exceedsLimit()).isTrue();
                    assertThat(e.line()).isEqualTo(10_001);
                    assertThat(e.detail()).isEqualTo("more than 10000 distinct families in one body "
                            + "(ParserLimits.maxFamilies)");
                });
    }

    @Test
    void aPayloadWithManyFamiliesLeavesABoundedPoolBehind() throws Exception {
        ExpositionParser parser = new ExpositionParser(ParserLimits.DEFAULTS.withMaxFamilies(20_000));
        assertThat(parser.parse(distinctNames(20_000), TEXT).seenFamilyNames()).hasSize(20_000);
        assertThat(parser.pooledFamilies()).isEqualTo(ExpositionParser.RETAINED_FAMILIES);
        // and the next, ordinary payload still reads, names looked up afresh
        Exposition next = parser.parse(bytes("m19999 2\nm5 3\n"), TEXT);
        assertThat(next.family("m19999").samples().get(0).value()).isEqualTo(2.0);
        assertThat(next.family("m5").samples().get(0).value()).isEqualTo(3.0);
    }

    @Test
    void aLongLineIsRefusedAndTheScratchShrinksAfterALongValue() throws Exception {
        ExpositionParser parser = new ExpositionParser();
        String longHelp = "# HELP a " + "x".repeat(70_000) + "\na 1\n";
        assertThatThrownBy(() -> parser.parse(bytes(longHelp), TEXT))
                .isInstanceOfSatisfying(ExpositionException.class, e -> {
                    assertThat(e.exceedsLimit()).isTrue();
                    assertThat(e.line()).isEqualTo(1);
                    assertThat(e.detail()).isEqualTo("line longer than 65536 bytes (ParserLimits.maxLineBytes)");
                });
        StringBuilder wide = new StringBuilder("a{");
        for (int i = 0; i < 5; i++) {
            wide.append(i == 0 ? "" : ",").append("l").append(i).append("=\"").append("v".repeat(16_000)).append('"');
        }
        wide.append("} 1\n");
        assertThatThrownBy(() -> parser.parse(bytes(wide.toString()), TEXT))
                .isInstanceOfSatisfying(ExpositionException.class, e -> assertThat(e.detail()).contains("maxLineBytes"));
        parser.parse(bytes("a{l=\"" + "v".repeat(16_000) + "\"} 1\n"), TEXT);
        assertThat(parser.scratchBytes()).isLessThanOrEqualTo(4096);
    }

    @Test
    void aByteOrderMarkIsNamed() {
        byte[] body = bytes("\uFEFFvllm:num_requests_waiting 1\n");
        assertThatThrownBy(() -> new ExpositionParser().parse(body, TEXT))
                .isInstanceOfSatisfying(ExpositionException.class, e -> {
                    assertThat(e.exceedsLimit()).isFalse();
                    assertThat(e.getMessage()).isEqualTo("line 1, column 1: the body starts with a UTF-8 byte-order "
                            + "mark (EF BB BF); exposition text has none: the exporter or a proxy added it");
                });
    }

    @Test
    void gzipWithoutContentEncodingIsNamed() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes("a 1\n"));
        }
        assertThatThrownBy(() -> new ExpositionParser().parse(out.toByteArray(), TEXT))
                .isInstanceOfSatisfying(ExpositionException.class, e -> assertThat(e.detail())
                        .isEqualTo("the body is gzip-compressed (starts 1F 8B) but came without "
                                + "'Content-Encoding: gzip'"));
    }

    @Test
    void htmlIsNamed() {
        assertThatThrownBy(() -> new ExpositionParser().parse(bytes("\n<!DOCTYPE html><html><body>Login</body>"), TEXT))
                .isInstanceOfSatisfying(ExpositionException.class, e -> assertThat(e.detail())
                        .startsWith("the body is an HTML page (starts with '<!DOCTYPE html>'), not exposition text"));
        assertThatThrownBy(() -> new ExpositionParser().parse(bytes("<?xml version=\"1.0\"?><a/>"), OM))
                .isInstanceOfSatisfying(ExpositionException.class, e -> assertThat(e.detail())
                        .startsWith("the body is HTML or XML (starts with '<?xml"));
    }

    @Test
    void anyOtherEscapeIsKeptAsWrittenAsPrometheusDoes() throws Exception {
        for (ExpositionFormat format : ExpositionFormat.values()) {
            String eof = format == OM ? "# EOF\n" : "";
            Exposition e = new ExpositionParser().parse(bytes("# HELP a x\\ty\\\\z\\n\\q\na{b=\"x\\qy\\\\\\\"\\n\\z\"} 1\n"
                    + eof), format);
            MetricFamily a = e.family("a");
            assertThat(a.help()).as("%s", format).isEqualTo("x\\ty\\z\n\\q");
            assertThat(a.samples().get(0).labels().get("b")).as("%s", format).isEqualTo("x\\qy\\\"\n\\z");
        }
    }

    @Test
    void openMetricsTimestampsOutsideAnyClockStillParse() throws Exception {
        Exposition e = new ExpositionParser().parse(bytes("# TYPE a counter\n"
                + "a_total 1 12345678901234567890.1234567890\n# EOF\n"), OM);
        assertThat(e.family("a").samples().get(0).timestamp()).hasValue(Long.MAX_VALUE);
    }
}
