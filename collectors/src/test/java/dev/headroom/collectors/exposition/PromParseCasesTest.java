package dev.headroom.collectors.exposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Prometheus text 0.0.4 cases taken from Prometheus's own parser tests ({@code promparse_test.go}; the commit is in
 * {@code fixtures/promparse/cases.txt}): each accepted or refused as Prometheus does. A refusal is an
 * {@link ExpositionException} (a positioned error), never another exception.
 */
class PromParseCasesTest {

    private static final String CASES = "/fixtures/promparse/cases.txt";

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        try (InputStream in = PromParseCasesTest.class.getResourceAsStream(CASES)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                out.add(Arguments.of(line.substring(0, tab), line.substring(tab + 1)));
            }
        }
        return out.stream();
    }

    @Test
    void everyUpstreamCaseIsHere() throws IOException {
        assertThat(cases()).hasSize(25);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void asPrometheusParsesIt(String verdict, String escaped) throws ExpositionException {
        byte[] body = unescape(escaped);
        if (verdict.equals("accept")) {
            Exposition e = new ExpositionParser().parse(body, ExpositionFormat.PROMETHEUS_TEXT);
            assertThat(e.families()).isNotEmpty();
        } else {
            assertThatThrownBy(() -> new ExpositionParser().parse(body, ExpositionFormat.PROMETHEUS_TEXT))
                    .isInstanceOf(ExpositionException.class);
        }
    }

    @Test
    void aLabelValueInUtf8IsKeptAndOneThatIsNotIsRefusedWhereItIs() throws ExpositionException {
        Exposition e = new ExpositionParser().parse(unescape("a{b=\"Grüße € \\xf0\\x9f\\x98\\x80\"} 1\n"),
                ExpositionFormat.PROMETHEUS_TEXT);
        assertThat(e.family("a").samples().get(0).labels().get("b")).isEqualTo("Grüße € \uD83D\uDE00");
        for (String bad : new String[] {"\\xc0\\xaf", "\\xed\\xa0\\x80", "\\xf4\\x90\\x80\\x80", "\\xe2\\x82"}) {
            assertThatThrownBy(() -> new ExpositionParser().parse(unescape("a{b=\"" + bad + "\"} 1\n"),
                    ExpositionFormat.PROMETHEUS_TEXT)).as(bad).isInstanceOfSatisfying(ExpositionException.class,
                    x -> assertThat(x.getMessage()).contains("line 1").contains("label 'b' is not valid UTF-8"));
        }
    }

    /** The Go test's escapes: \n, \t, \", \\ and \xNN as one byte; everything else as UTF-8. */
    static byte[] unescape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case '"' -> out.write('"');
                case '\\' -> out.write('\\');
                case 'x' -> {
                    out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> throw new IllegalArgumentException("unknown escape \\" + n + " in " + s);
            }
        }
        return out.toByteArray();
    }
}
