package dev.headroom.simulator.trace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TraceReaderTest {

    static Trace azure() throws Exception {
        try (InputStream in = TraceReaderTest.class.getResourceAsStream("/traces/azure-llm-conv-2023.csv")) {
            return TraceReader.readCsv(new InputStreamReader(in, StandardCharsets.UTF_8), "azure-llm-conv-2023.csv");
        }
    }

    @Test
    void readsTheAzureConversationTraceWithTheFiguresItsSourceStates() throws Exception {
        Trace trace = azure();
        assertThat(trace.size()).isEqualTo(19_366);
        TraceRecord first = trace.records().get(0);
        assertThat(first.line()).isEqualTo(2);
        assertThat(first.promptTokens()).isEqualTo(374);
        assertThat(first.outputTokens()).isEqualTo(44);
        assertThat(first.timeNanos()).isEqualTo(Instant.parse("2023-11-16T18:15:46.680590Z").getEpochSecond()
                * 1_000_000_000L + 680_590_000L);
        assertThat(trace.durationSeconds()).isCloseTo(58.4 * 60, within(30.0));
        assertThat(trace.meanPromptTokens()).isCloseTo(1155, within(1.0));
        assertThat(trace.meanOutputTokens()).isCloseTo(211, within(1.0));
    }

    /** A CSV of these lines, read with its units detected. */
    private static Trace csv(String... lines) throws Exception {
        return TraceReader.readCsv(new StringReader(String.join("\n", lines) + "\n"), "t.csv");
    }

    /** Each record's prompt and output tokens, as {@code prompt/output}. */
    private static java.util.List<String> lengths(Trace t) {
        return t.records().stream().map(r -> r.promptTokens() + "/" + r.outputTokens()).toList();
    }

    @Test
    void csvColumnsAreFoundByNameInAnyOrderAmongOthersAndRowsAreSortedByTime() throws Exception {
        Trace trace = csv("GeneratedTokens,Extra,TIMESTAMP,ContextTokens", "5,x,2024-01-01 00:00:02,10", "",
                "7,y,2024-01-01T00:00:01.5,20");
        assertThat(lengths(trace)).containsExactly("20/7", "10/5");
        assertThat(trace.records()).extracting(TraceRecord::line).containsExactly(4, 2);
        assertThat(trace.durationSeconds()).isEqualTo(0.5);
    }

    /** {@code n} rows {@code gap} apart from {@code first}, in whatever unit the numbers are in. */
    private static String rows(double first, double gap, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("{\"timestamp\": ").append(first + i * gap).append(", \"input_length\": 5, \"output_length\": 2}\n");
        }
        return b.toString();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // what                       | first          | gap   | span read (s) | how
            "relative milliseconds        | 0              | 250   | 24.75         | detected: milliseconds",
            "relative seconds, fractional | 0              | 0.25  | 24.75         | detected: seconds",
            "relative seconds, 2 per s    | 0              | 0.5   | 49.5          | detected: seconds",
            "relative seconds, slow       | 0.125          | 2.5   | 247.5         | detected: seconds (fractions",
            "epoch milliseconds           | 1700000000000  | 200   | 19.8          | epoch milliseconds",
            "epoch seconds                | 1700000000     | 0.2   | 19.8          | epoch seconds",
    })
    void jsonlTimestampsInSecondsOrMillisecondsAreDetectedAndTheReasonKept(String what, double first, double gap,
            double span, String how) throws Exception {
        Trace trace = TraceReader.readJsonl(new StringReader(rows(first, gap, 100)), "t.jsonl");
        assertThat(trace.durationSeconds()).as(what).isCloseTo(span, within(1e-3));
        assertThat(trace.timestamps()).as(what).contains(how);
    }

    @Test
    void aSetTimestampUnitOverridesDetectionAndSaysSo() throws Exception {
        // 100 rows 2 s apart, in whole seconds: as milliseconds they would be a plausible 500 req/s, and whole
        // numbers are what millisecond traces hold, so detection says ms
        String slow = rows(0, 2, 100);
        Trace detected = TraceReader.readJsonl(new StringReader(slow), "t.jsonl");
        assertThat(detected.durationSeconds()).isCloseTo(0.198, within(1e-6));
        assertThat(detected.timestamps()).contains("milliseconds", "set --timestamp-unit s");
        Trace set = TraceReader.readJsonl(new StringReader(slow), "t.jsonl", TimestampUnit.SECONDS);
        assertThat(set.durationSeconds()).isCloseTo(198.0, within(1e-6));
        assertThat(set.timestamps()).isEqualTo("seconds (set by --timestamp-unit)");
        assertThat(TimestampUnit.parse("ms")).isEqualTo(TimestampUnit.MILLISECONDS);
        assertThatThrownBy(() -> TimestampUnit.parse("min")).hasMessageContaining("s, ms or auto")
                .hasMessageContaining("'min'");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "letters in a count      | 2023-11-16 18:15:46.1,abc,4     | t.csv: line 3, column 2 (ContextTokens): expected a non-negative integer token count, found \"abc\"",
            "negative count          | 2023-11-16 18:15:46.1,3,-4      | line 3, column 3 (GeneratedTokens): expected a non-negative integer",
            "empty count             | 2023-11-16 18:15:46.1,3,        | line 3, column 3 (GeneratedTokens): expected a token count, found nothing",
            "time without seconds    | 2023-11-16 18:15,3,4            | line 3, column 1 (TIMESTAMP): expected a date-time yyyy-MM-dd HH:mm:ss[.fraction]",
            "no such day             | 2023-02-30 18:15:46,3,4         | line 3, column 1 (TIMESTAMP): no such date",
            "hour out of range       | 2023-11-16 25:15:46,3,4         | line 3, column 1 (TIMESTAMP): expected a date-time",
            "ten fractional digits   | 2023-11-16 18:15:46.0123456789,3,4 | line 3, column 1 (TIMESTAMP)",
            "a missing field         | 2023-11-16 18:15:46,3           | line 3: expected 3 comma-separated fields as the header has, found 2",
            "an extra field          | 2023-11-16 18:15:46,3,4,5       | line 3: expected 3 comma-separated fields as the header has, found 4",
    })
    void aBadCsvRowNamesItsLineAndColumn(String why, String row, String message) {
        String csv = "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n" + row + "\n";
        assertThatThrownBy(() -> TraceReader.readCsv(new StringReader(csv), "t.csv"))
                .isInstanceOfSatisfying(TraceFormatException.class, e -> assertThat(e.line()).isEqualTo(3))
                .hasMessageContaining(message);
    }

    @Test
    void burstGptsCsvIsReadWithItsSecondsAndItsFailedRowsKeptForTheReplayToLeaveOut() throws Exception {
        // BurstGPT (HPMLL/BurstGPT, data/BurstGPT_1.csv): seconds since the trace's start, its own column names, a
        // failed request written with 0 response tokens.
        String[] rows = {"Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type",
                "5,ChatGPT,472,18,490,Conversation log", "45,ChatGPT,1087,0,1087,Conversation log",
                "118,GPT-4,417,217,634,API log"};
        String csv = String.join("\n", rows) + "\n";
        Trace t = csv(rows);
        assertThat(t.records()).extracting(TraceRecord::timeNanos)
                .containsExactly(5_000_000_000L, 45_000_000_000L, 118_000_000_000L);
        assertThat(lengths(t)).containsExactly("472/18", "1087/0", "417/217");
        assertThat(t.timestamps()).startsWith("seconds since the trace's start").contains("--timestamp-unit ms");
        assertThat(TraceReader.readCsv(new StringReader(csv), "b.csv", TimestampUnit.MILLISECONDS).records().get(2)
                .timeNanos()).isEqualTo(118_000_000L);
        // Epoch milliseconds in a CSV are told apart as in JSONL.
        Trace epoch = TraceReader.readCsv(new StringReader("timestamp,input_length,output_length\n"
                + "1700000000000,10,2\n1700000001500,20,3\n"), "e.csv");
        assertThat(epoch.records().get(1).timeNanos()).isEqualTo(1_700_000_001_500_000_000L);
        assertThat(epoch.timestamps()).contains("epoch milliseconds");
        // A row whose timestamp is not the kind the first row had is named.
        assertThatThrownBy(() -> TraceReader.readCsv(new StringReader(csv + "soon,GPT-4,1,1,2,API log\n"), "b.csv"))
                .isInstanceOfSatisfying(TraceFormatException.class, e -> assertThat(e.line()).isEqualTo(5))
                .hasMessageContaining("column 1 (Timestamp)").hasMessageContaining("\"soon\"");
    }

    @Test
    void aCsvWithoutTheNeededColumnSaysWhichAndWhatItFound() {
        assertThatThrownBy(() -> TraceReader.readCsv(new StringReader("TIMESTAMP,Prompt,GeneratedTokens\n"), "t.csv"))
                .isInstanceOf(TraceFormatException.class)
                .hasMessage("t.csv: line 1: header has no column ContextTokens (nor Request tokens, input_length); found"
                        + " [TIMESTAMP, Prompt, GeneratedTokens]");
        assertThatThrownBy(() -> TraceReader.readCsv(new StringReader(""), "t.csv"))
                .isInstanceOf(TraceFormatException.class).hasMessageContaining("empty");
    }

    /** {@code prefix}, then the letter a without end, as a device that never stops. */
    private static java.io.Reader endless(String prefix) {
        return new java.io.Reader() {
            private int at;

            @Override
            public int read(char[] b, int off, int len) {
                int n = 0;
                while (n < len && at < prefix.length()) {
                    b[off + n++] = prefix.charAt(at++);
                }
                java.util.Arrays.fill(b, off + n, off + len, 'a');
                return len;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void linesEndWithLineFeedsCarriageReturnsOrBothAndNoLineMayBeEndless() throws Exception {
        String rows = "TIMESTAMP,ContextTokens,GeneratedTokens\r\n2023-11-16 18:00:00,10,1\r"
                + "2023-11-16 18:00:01,20,2\n\r\n2023-11-16 18:00:02,30,3";
        Trace t = TraceReader.readCsv(new StringReader(rows), "t.csv");
        assertThat(t.records()).extracting(TraceRecord::promptTokens).containsExactly(10, 20, 30);
        assertThat(t.records()).extracting(TraceRecord::line).containsExactly(2, 3, 5);

        // A reader that never ends and holds no line break, as /dev/zero: refused at the bound, in either format.
        assertThatThrownBy(() -> TraceReader.readJsonl(endless(""), "zero.jsonl"))
                .isInstanceOfSatisfying(TraceFormatException.class, e -> assertThat(e.line()).isEqualTo(1))
                .hasMessageContaining("longer than " + TraceReader.MAX_LINE_CHARS + " characters");
        assertThatThrownBy(() -> TraceReader.readCsv(endless("TIMESTAMP,ContextTokens,GeneratedTokens\n"), "t.csv"))
                .isInstanceOfSatisfying(TraceFormatException.class, e -> assertThat(e.line()).isEqualTo(2))
                .hasMessageContaining("a trace row holds a few dozen");

        // A header of a hundred thousand names is named by its first few, not echoed whole.
        String wide = "x,".repeat(100_000) + "y\n";
        assertThatThrownBy(() -> TraceReader.readCsv(new StringReader(wide), "wide.csv"))
                .hasMessageContaining("header has no column TIMESTAMP").hasMessageContaining("(100001 columns)")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
    }

    @Test
    void jsonlReadsTheThreeFieldsAndSkipsEverythingElse() throws Exception {
        String jsonl = "{\"timestamp\": 1000, \"input_length\": 12, \"output_length\": 3}\n"
                + "\n"
                + "{\"note\": \"a, {tricky} \\\"string\\\"\", \"nested\": {\"a\": [1, {\"b\": 2}]}, \"flag\": true,"
                + " \"output_length\": 4.0, \"timestamp\": 2500.5, \"input_length\": 30, \"x\": null}\n";
        // In milliseconds, set: a fraction alone would have detection read them as seconds.
        Trace trace = TraceReader.readJsonl(new StringReader(jsonl), "t.jsonl", TimestampUnit.MILLISECONDS);
        assertThat(trace.records()).containsExactly(new TraceRecord(1, 1_000_000_000L, 12, 3),
                new TraceRecord(3, 2_500_500_000L, 30, 4));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "missing output          | {\"timestamp\": 1, \"input_length\": 2}                        | t.jsonl: line 2, field \"output_length\": missing",
            "fractional count        | {\"timestamp\": 1, \"input_length\": 2.5, \"output_length\": 1} | line 2, field \"input_length\": expected a non-negative integer token count, found 2.5",
            "string timestamp        | {\"timestamp\": \"soon\", \"input_length\": 2, \"output_length\": 1} | line 2, field \"timestamp\": expected a non-negative number",
            "negative count          | {\"timestamp\": 1, \"input_length\": -2, \"output_length\": 1}  | line 2, field \"input_length\": expected a non-negative number, found -2",
            "not an object           | [1, 2, 3]                                                 | line 2: expected '{'",
            "truncated               | {\"timestamp\": 1, \"input_length\": 2,                       | line 2: line ends inside the object",
            "trailing text           | {\"timestamp\": 1, \"input_length\": 2, \"output_length\": 1} x | line 2: unexpected text after the object",
    })
    void aBadJsonlLineNamesItsLineAndField(String why, String row, String message) {
        String jsonl = "{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1}\n" + row + "\n";
        assertThatThrownBy(() -> TraceReader.readJsonl(new StringReader(jsonl), "t.jsonl"))
                .isInstanceOfSatisfying(TraceFormatException.class, e -> assertThat(e.line()).isEqualTo(2))
                .hasMessageContaining(message);
    }

    @Test
    void aJsonlLineThatIsNotJsonOrNestsTooDeepNamesItsLine() {
        String ok = "{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1}\n";
        assertThatThrownBy(() -> TraceReader.readJsonl(new StringReader(ok
                + "{\"timestamp\": 1, \"input_length\": 2, \"output_length\": 1, note: 3}\n"), "t.jsonl"))
                .isInstanceOfSatisfying(TraceFormatException.class, e -> assertThat(e.line()).isEqualTo(2))
                .hasMessageStartingWith("t.jsonl: line 2: not JSON at character 57: ");
        String deep = "[".repeat(64) + "]".repeat(64);
        assertThatThrownBy(() -> TraceReader.readJsonl(new StringReader(ok + "{\"x\": " + deep
                + ", \"timestamp\": 1, \"input_length\": 2, \"output_length\": 1}\n"), "t.jsonl"))
                .hasMessage("t.jsonl: line 2: nested deeper than 64 levels");
    }
}
