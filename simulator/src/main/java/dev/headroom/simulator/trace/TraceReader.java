package dev.headroom.simulator.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads request traces in the two shapes public LLM traces come in.
 *
 * <ul>
 *   <li><b>CSV</b> with a header naming {@code TIMESTAMP}, {@code ContextTokens} and {@code GeneratedTokens}
 *       (Azure's LLM inference traces), in any order, any case and among other columns; timestamps are date-times
 *       {@code yyyy-MM-dd HH:mm:ss[.fraction]} (space or {@code T}, up to 9 fractional digits), read as UTC. Or
 *       BurstGPT's columns ({@code Timestamp}, {@code Request tokens}, {@code Response tokens}) with numeric
 *       timestamps: epoch numbers are detected as in JSONL, others are seconds since the trace's start.</li>
 *   <li><b>JSONL</b>, one object per line with numeric {@code timestamp} (seconds or milliseconds: given, or
 *       detected by {@link TimestampUnit#detect}), {@code input_length} and {@code output_length}; other fields
 *       are skipped. Lines are read with
 *       jackson-core's streaming parser (strict JSON, at most 64 levels of nesting).</li>
 * </ul>
 *
 * <p>Any bad row stops the read with a {@link TraceFormatException} naming the line and the field: a replay
 * that silently skipped rows would misstate the load it claims to offer. Blank lines are ignored. CSV rows are
 * scanned by hand (no regex, no split) because traces run to millions of rows.
 */
public final class TraceReader {

    public static final String CSV_TIMESTAMP = "TIMESTAMP";
    public static final String CSV_PROMPT = "ContextTokens";
    public static final String CSV_OUTPUT = "GeneratedTokens";
    public static final String JSON_TIMESTAMP = "timestamp";
    public static final String JSON_PROMPT = "input_length";
    public static final String JSON_OUTPUT = "output_length";
    /** BurstGPT's CSV: {@code Timestamp} in seconds since the trace's start, these two for the lengths. */
    public static final String BURST_PROMPT = "Request tokens";
    public static final String BURST_OUTPUT = "Response tokens";

    private TraceReader() {
    }

    /** Reads a file, as JSONL when its name ends in {@code .jsonl} or {@code .json}, else as CSV; units detected. */
    public static Trace read(Path file) throws IOException, TraceFormatException {
        return read(file, TimestampUnit.AUTO);
    }

    /** As {@link #read(Path)}, numeric timestamps in {@code unit} ({@link TimestampUnit#AUTO}: detected). */
    public static Trace read(Path file, TimestampUnit unit) throws IOException, TraceFormatException {
        String name = file.getFileName().toString();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return name.endsWith(".jsonl") || name.endsWith(".json") ? readJsonl(in, name, unit) : readCsv(in, name, unit);
        }
    }

    public static Trace readCsv(Reader reader, String source) throws IOException, TraceFormatException {
        return readCsv(reader, source, TimestampUnit.AUTO);
    }

    /** CSV; numeric timestamps in {@code unit} ({@link TimestampUnit#AUTO}: detected), date-times as UTC. */
    public static Trace readCsv(Reader reader, String source, TimestampUnit unit)
            throws IOException, TraceFormatException {
        Lines in = new Lines(reader, source);
        String header = in.next(1);
        int lineNo = 1;
        while (header != null && header.isBlank()) {
            lineNo++;
            header = in.next(lineNo);
        }
        if (header == null) {
            throw new TraceFormatException(source, lineNo, null, "empty: expected a header naming "
                    + CSV_TIMESTAMP + ", " + CSV_PROMPT + " and " + CSV_OUTPUT);
        }
        if (!header.isEmpty() && header.charAt(0) == '\uFEFF') {
            header = header.substring(1);
        }
        List<String> names = new ArrayList<>();
        for (int from = 0; ; ) {
            int comma = header.indexOf(',', from);
            names.add(header.substring(from, comma < 0 ? header.length() : comma).trim());
            if (comma < 0) {
                break;
            }
            from = comma + 1;
        }
        int tsCol = column(names, source, lineNo, CSV_TIMESTAMP);
        int promptCol = column(names, source, lineNo, CSV_PROMPT, BURST_PROMPT, JSON_PROMPT);
        int outputCol = column(names, source, lineNo, CSV_OUTPUT, BURST_OUTPUT, JSON_OUTPUT);
        int columns = names.size();
        String tsName = names.get(tsCol);
        String promptName = names.get(promptCol);
        String outputName = names.get(outputCol);

        List<TraceRecord> out = new ArrayList<>();
        // Date-times (Azure) or numbers (BurstGPT's seconds since its start), as the first row has them.
        Boolean dateTimes = null;
        List<NumericRow> numeric = new ArrayList<>();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        boolean fractional = false;
        int[] starts = new int[columns];
        int[] ends = new int[columns];
        for (String line = in.next(lineNo + 1); line != null; line = in.next(lineNo + 1)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            int n = 0;
            int from = 0;
            while (true) {
                int comma = line.indexOf(',', from);
                int end = comma < 0 ? line.length() : comma;
                if (n < columns) {
                    starts[n] = from;
                    ends[n] = end;
                }
                n++;
                if (comma < 0) {
                    break;
                }
                from = comma + 1;
            }
            if (n != columns) {
                throw new TraceFormatException(source, lineNo, null,
                        "expected " + columns + " comma-separated fields as the header has, found " + n);
            }
            if (dateTimes == null) {
                dateTimes = isDateTime(line, starts[tsCol], ends[tsCol]);
            }
            long t = dateTimes
                    ? parseDateTime(line, starts[tsCol], ends[tsCol], source, lineNo, csvField(tsCol, tsName)) : 0;
            double number = dateTimes
                    ? 0 : parseNumber(line, starts[tsCol], ends[tsCol], source, lineNo, csvField(tsCol, tsName));
            int prompt = parseCount(line, starts[promptCol], ends[promptCol], source, lineNo,
                    csvField(promptCol, promptName));
            int output = parseCount(line, starts[outputCol], ends[outputCol], source, lineNo,
                    csvField(outputCol, outputName));
            if (dateTimes) {
                out.add(new TraceRecord(lineNo, t, prompt, output));
            } else {
                numeric.add(new NumericRow(lineNo, number, prompt, output));
                min = Math.min(min, number);
                max = Math.max(max, number);
                fractional |= number != Math.rint(number);
            }
        }
        if (dateTimes == null || dateTimes) {
            return new Trace(source, out, "date-times, UTC");
        }
        // Epoch numbers are told apart as in JSONL; a relative number in a CSV is seconds, as BurstGPT writes them
        // (JSONL's convention of milliseconds is not a CSV's).
        TimestampUnit.Reading reading = unit != TimestampUnit.AUTO || min >= 1e8
                ? reading(unit, min, max, numeric.size(), fractional)
                : new TimestampUnit.Reading(TimestampUnit.SECONDS, "seconds since the trace's start, as a CSV's numeric"
                        + " timestamps are (BurstGPT's); set --timestamp-unit ms if they are milliseconds");
        return numericTrace(source, numeric, reading);
    }

    /** Whether a timestamp field holds a date-time ({@code 2023-11-16 18:15:46}) rather than a number. */
    private static boolean isDateTime(String line, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = line.charAt(i);
            if (c == ':' || (c == '-' && i > from && Character.isDigit(line.charAt(i - 1)))) {
                return true;
            }
        }
        return false;
    }

    /** A finite, non-negative number in the trace's time unit, surrounding spaces allowed. */
    private static double parseNumber(String line, int from, int to, String source, int lineNo, String field)
            throws TraceFormatException {
        String text = line.substring(from, to).trim();
        double v = Double.NaN;
        if (text.length() <= 40) {
            try {
                v = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                v = Double.NaN;
            }
        }
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new TraceFormatException(source, lineNo, field, "expected a non-negative number, as the first"
                    + " row's timestamp is, found " + show(line, from, to));
        }
        return v;
    }

    /** A row as read, JSONL or a CSV's numeric timestamps: the timestamp still in the trace's own unit. */
    private record NumericRow(int line, double timestamp, int prompt, int output) {
    }

    /** {@code unit}, or where it is {@link TimestampUnit#AUTO} the unit detected from the timestamps' range. */
    private static TimestampUnit.Reading reading(TimestampUnit unit, double min, double max, int n,
                                                 boolean fractional) {
        return unit == TimestampUnit.AUTO
                ? TimestampUnit.detect(min, max, n, fractional)
                : new TimestampUnit.Reading(unit, (unit == TimestampUnit.SECONDS ? "seconds" : "milliseconds")
                        + " (set by --timestamp-unit)");
    }

    /** Rows with numeric timestamps, read in {@code reading}'s unit. */
    private static Trace numericTrace(String source, List<NumericRow> rows, TimestampUnit.Reading reading) {
        double toNanos = reading.unit().nanos();
        List<TraceRecord> out = new ArrayList<>(rows.size());
        for (NumericRow r : rows) {
            out.add(new TraceRecord(r.line(), Math.round(r.timestamp() * toNanos), r.prompt(), r.output()));
        }
        return new Trace(source, out, reading.how());
    }

    /** JSONL with the unit of its timestamps detected. */
    public static Trace readJsonl(Reader reader, String source) throws IOException, TraceFormatException {
        return readJsonl(reader, source, TimestampUnit.AUTO);
    }

    /** JSONL with timestamps in {@code unit} ({@link TimestampUnit#AUTO}: detected from all of them). */
    public static Trace readJsonl(Reader reader, String source, TimestampUnit unit)
            throws IOException, TraceFormatException {
        Lines in = new Lines(reader, source);
        List<NumericRow> rows = new ArrayList<>();
        int lineNo = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        boolean fractional = false;
        for (String line = in.next(lineNo + 1); line != null; line = in.next(lineNo + 1)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            NumericRow row = JsonLine.read(line, source, lineNo);
            rows.add(row);
            min = Math.min(min, row.timestamp());
            max = Math.max(max, row.timestamp());
            fractional |= row.timestamp() != Math.rint(row.timestamp());
        }
        return numericTrace(source, rows, reading(unit, min, max, rows.size(), fractional));
    }

    /** The first of {@code wanted} the header names (any case), tried in order. */
    private static int column(List<String> names, String source, int line, String... wanted)
            throws TraceFormatException {
        for (String w : wanted) {
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).equalsIgnoreCase(w)) {
                    return i;
                }
            }
        }
        String found = names.toString();
        String others = wanted.length > 1
                ? " (nor " + String.join(", ", java.util.Arrays.asList(wanted).subList(1, wanted.length)) + ")" : "";
        throw new TraceFormatException(source, line, null, "header has no column " + wanted[0] + others + "; found "
                + (found.length() > 200 ? found.substring(0, 200) + "… (" + names.size() + " columns)" : found));
    }

    /** The longest line read: a trace row holds a few dozen characters, and a file without line breaks is no trace. */
    static final int MAX_LINE_CHARS = 1 << 20;

    /**
     * Lines split as {@link BufferedReader#readLine} splits them ({@code \n}, {@code \r} or {@code \r\n}), each at
     * most {@link #MAX_LINE_CHARS} long: read unbounded, a file with no line break (or {@code /dev/zero}) was taken
     * whole into one string until the heap ran out.
     */
    private static final class Lines {
        private final Reader in;
        private final String source;
        private final char[] buffer = new char[8192];
        private int position;
        private int length;
        private boolean skipLineFeed;

        Lines(Reader in, String source) {
            this.in = in;
            this.source = source;
        }

        /** The next line, or null at the end; {@code lineNo} names it in an error. */
        String next(int lineNo) throws IOException, TraceFormatException {
            StringBuilder line = null;
            while (true) {
                if (position == length) {
                    length = Math.max(0, in.read(buffer, 0, buffer.length));
                    position = 0;
                    if (length == 0) {
                        return line == null ? null : line.toString();
                    }
                }
                if (skipLineFeed) {
                    skipLineFeed = false;
                    if (buffer[position] == '\n') {
                        position++;
                        continue;
                    }
                }
                int start = position;
                while (position < length && buffer[position] != '\n' && buffer[position] != '\r') {
                    position++;
                }
                if (line == null) {
                    line = new StringBuilder();
                }
                if (line.length() + (position - start) > MAX_LINE_CHARS) {
                    throw new TraceFormatException(source, lineNo, null, "longer than " + MAX_LINE_CHARS
                            + " characters: a trace row holds a few dozen (is this a trace?)");
                }
                line.append(buffer, start, position - start);
                if (position < length) {
                    skipLineFeed = buffer[position++] == '\r';
                    return line.toString();
                }
            }
        }
    }

    private static String csvField(int col, String name) {
        return "column " + (col + 1) + " (" + name + ")";
    }

    private static String show(String line, int from, int to) {
        String s = line.substring(from, to);
        return "\"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
    }

    /** A non-negative integer token count, surrounding spaces allowed. */
    static int parseCount(String line, int from, int to, String source, int lineNo, String field)
            throws TraceFormatException {
        int a = from;
        int b = to;
        while (a < b && line.charAt(a) == ' ') {
            a++;
        }
        while (b > a && line.charAt(b - 1) == ' ') {
            b--;
        }
        if (a == b) {
            throw new TraceFormatException(source, lineNo, field, "expected a token count, found nothing");
        }
        long v = 0;
        for (int i = a; i < b; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw new TraceFormatException(source, lineNo, field,
                        "expected a non-negative integer token count, found " + show(line, from, to));
            }
            v = v * 10 + (c - '0');
            if (v > Integer.MAX_VALUE) {
                throw new TraceFormatException(source, lineNo, field, "token count out of range: " + show(line, from, to));
            }
        }
        return (int) v;
    }

    /** {@code yyyy-MM-dd HH:mm:ss[.f…]} (or {@code T}) as UTC epoch nanoseconds. */
    static long parseDateTime(String line, int from, int to, String source, int lineNo, String field)
            throws TraceFormatException {
        int a = from;
        int b = to;
        while (a < b && line.charAt(a) == ' ') {
            a++;
        }
        while (b > a && line.charAt(b - 1) == ' ') {
            b--;
        }
        String bad = "expected a date-time yyyy-MM-dd HH:mm:ss[.fraction], found " + show(line, from, to);
        if (b - a < 19 || line.charAt(a + 4) != '-' || line.charAt(a + 7) != '-'
                || (line.charAt(a + 10) != ' ' && line.charAt(a + 10) != 'T')
                || line.charAt(a + 13) != ':' || line.charAt(a + 16) != ':') {
            throw new TraceFormatException(source, lineNo, field, bad);
        }
        int year = digits(line, a, 4);
        int month = digits(line, a + 5, 2);
        int day = digits(line, a + 8, 2);
        int hour = digits(line, a + 11, 2);
        int minute = digits(line, a + 14, 2);
        int second = digits(line, a + 17, 2);
        if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) {
            throw new TraceFormatException(source, lineNo, field, bad);
        }
        long nanos = 0;
        int p = a + 19;
        if (p < b) {
            if (line.charAt(p) != '.' || p + 1 == b || b - p - 1 > 9) {
                throw new TraceFormatException(source, lineNo, field, bad);
            }
            long scale = 100_000_000L;
            for (int i = p + 1; i < b; i++, scale /= 10) {
                char c = line.charAt(i);
                if (c < '0' || c > '9') {
                    throw new TraceFormatException(source, lineNo, field, bad);
                }
                nanos += (c - '0') * scale;
            }
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            throw new TraceFormatException(source, lineNo, field, "no such date: " + show(line, from, to));
        }
        long seconds = epochDay * 86_400L + hour * 3600L + minute * 60L + second;
        return seconds * 1_000_000_000L + nanos;
    }

    private static int digits(String s, int at, int n) {
        int v = 0;
        for (int i = at; i < at + n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /**
     * One JSON object per line, read with jackson-core's streaming parser: the three numeric fields are read,
     * anything else is skipped without being built. One parser per line, so a line is one object and an error
     * names its line.
     */
    private static final class JsonLine {

        /** Levels of objects and arrays a line may nest; a trace row is flat, so this only bounds a broken one. */
        static final int MAX_DEPTH = 64;

        private static final JsonFactory JSON = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                .build();

        private JsonLine() {
        }

        static NumericRow read(String s, String source, int line) throws TraceFormatException {
            double timestamp = Double.NaN;
            long prompt = -1;
            long output = -1;
            try (JsonParser p = JSON.createParser(s)) {
                JsonToken t = p.nextToken();
                if (t != JsonToken.START_OBJECT) {
                    throw error(source, line, null, "expected '{' at character " + column(p.currentTokenLocation())
                            + ", found " + shown(p, t));
                }
                for (t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                    String key = p.currentName();
                    JsonToken value = p.nextToken();
                    switch (key) {
                        case JSON_TIMESTAMP -> timestamp = number(p, value, source, line, key);
                        case JSON_PROMPT -> prompt = count(p, value, source, line, key);
                        case JSON_OUTPUT -> output = count(p, value, source, line, key);
                        default -> p.skipChildren();
                    }
                }
                JsonToken after;
                try {
                    after = p.nextToken();
                } catch (JsonProcessingException e) {
                    after = JsonToken.NOT_AVAILABLE;
                }
                if (after != null) {
                    throw error(source, line, null, "unexpected text after the object at character "
                            + column(p.currentLocation()));
                }
            } catch (JsonEOFException e) {
                throw error(source, line, null, "line ends inside the object");
            } catch (StreamConstraintsException e) {
                throw error(source, line, null, e.getOriginalMessage().startsWith("Document nesting depth")
                        ? "nested deeper than " + MAX_DEPTH + " levels" : firstLine(e.getOriginalMessage()));
            } catch (JsonProcessingException e) {
                if (e.getLocation() != null && e.getLocation().getCharOffset() >= s.length()) {
                    // Jackson reports some ends of input (after a comma) as plain parse errors.
                    throw error(source, line, null, "line ends inside the object");
                }
                throw error(source, line, null, "not JSON at character " + column(e.getLocation()) + ": "
                        + firstLine(e.getOriginalMessage()));
            } catch (IOException e) {
                // A String source does no I/O; kept for the parser's signature.
                throw error(source, line, null, String.valueOf(e.getMessage()));
            }
            if (Double.isNaN(timestamp)) {
                throw error(source, line, field(JSON_TIMESTAMP), "missing (a number: seconds or milliseconds)");
            }
            if (prompt < 0) {
                throw error(source, line, field(JSON_PROMPT), "missing (a non-negative integer)");
            }
            if (output < 0) {
                throw error(source, line, field(JSON_OUTPUT), "missing (a non-negative integer)");
            }
            return new NumericRow(line, timestamp, (int) prompt, (int) output);
        }

        private static String field(String key) {
            return "field \"" + key + "\"";
        }

        private static TraceFormatException error(String source, int line, String field, String detail) {
            return new TraceFormatException(source, line, field, detail);
        }

        private static double number(JsonParser p, JsonToken t, String source, int line, String key)
                throws IOException, TraceFormatException {
            if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                throw error(source, line, field(key), "expected a non-negative number, found " + shown(p, t));
            }
            double v = p.getDoubleValue();
            if (!Double.isFinite(v) || v < 0) {
                throw error(source, line, field(key), "expected a non-negative number, found " + p.getText());
            }
            return v;
        }

        private static long count(JsonParser p, JsonToken t, String source, int line, String key)
                throws IOException, TraceFormatException {
            double v = number(p, t, source, line, key);
            if (v != Math.rint(v) || v > Integer.MAX_VALUE) {
                throw error(source, line, field(key), "expected a non-negative integer token count, found " + v);
            }
            return (long) v;
        }

        /** The token as it stands in the line, strings quoted and cut at 40 characters. */
        private static String shown(JsonParser p, JsonToken t) throws IOException {
            if (t == null) {
                return "nothing";
            }
            String text = p.getText();
            if (t == JsonToken.VALUE_STRING) {
                return "\"" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "\"";
            }
            return "'" + text + "'";
        }

        private static long column(JsonLocation at) {
            return at == null ? 0 : at.getColumnNr();
        }

        private static String firstLine(String message) {
            if (message == null) {
                return "malformed";
            }
            int nl = message.indexOf('\n');
            return nl < 0 ? message : message.substring(0, nl);
        }
    }
}
