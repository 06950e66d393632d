package dev.headroom.collectors.exposition;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;

/**
 * A streaming parser for Prometheus text 0.0.4 and OpenMetrics 1.0.
 *
 * <p>It walks the UTF-8 bytes once, left to right, with no regex, no {@code split} and no per-line strings.
 * Families the {@link FamilyFilter} does not want are still checked for syntax (a broken payload is broken
 * wherever the damage is) but nothing is built for them. Names and short label values go through a
 * {@link NameTable}, so a warm parser reading the same engine every second allocates only the samples it keeps:
 * one {@link Sample}, one {@link Labels} and its array.
 *
 * <p>It trusts {@code # TYPE}, never a suffix: a family's samples are those whose name is the family name plus a
 * suffix its type allows. A TYPE or HELP line followed by samples of another name is an error, not a guess.
 *
 * <p>Every failure is an {@link ExpositionException} with line and column; {@link ParserLimits} bound body size,
 * line length, series, distinct families, label lengths and label counts, each checked as the bytes are walked,
 * before anything is built for them. One parser serves one thread at a time (it reuses its buffers); create one per
 * scrape loop.
 *
 * <p>Memory between parses is bounded whatever the last payload was: the {@link NameTable} has a fixed size, at
 * most {@value #RETAINED_FAMILIES} family records stay pooled (their sample lists emptied and, when a family was
 * large, trimmed), and the scratch buffer shrinks back when a long label value or HELP text grew it.
 *
 * <p>OpenMetrics syntax is always checked (one space between fields, no blank lines or trailing blanks, no
 * comments but HELP, TYPE, UNIT and EOF, no trailing comma, {@code unknown} not {@code untyped}). Its semantics —
 * counts never negative or NaN, info 1 and stateset 0 or 1, a histogram point's buckets rising and ending in +Inf
 * before a count that equals it, repeated series with rising timestamps, exemplars only on {@code _total} and
 * {@code _bucket} and at most 128 characters, units ending the name, no family claiming another's samples — are
 * checked only by a strict parser ({@link #ExpositionParser(ParserLimits, boolean)}), which agrees with every
 * verdict of the upstream conformance suite. A scrape uses the lenient one, as Prometheus' own OpenMetrics parser
 * is: one engine's histogram with its {@code _sum} first (prometheus_client's multiprocess mode) must cost that
 * histogram, which the readers judge signal by signal, not every signal of the scrape.
 *
 * <p>Escapes follow Prometheus' own parsers: {@code \\}, {@code \"} and {@code \n} are unescaped; a backslash
 * before any other character is legal (the OpenMetrics ABNF) and kept as written, both bytes.
 */
public final class ExpositionParser {

    private static final boolean[] METRIC_START = new boolean[256];
    private static final boolean[] METRIC_CHAR = new boolean[256];
    private static final boolean[] LABEL_START = new boolean[256];
    private static final boolean[] LABEL_CHAR = new boolean[256];

    static {
        for (int c = 0; c < 256; c++) {
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            boolean digit = c >= '0' && c <= '9';
            LABEL_START[c] = letter;
            LABEL_CHAR[c] = letter || digit;
            METRIC_START[c] = letter || c == ':';
            METRIC_CHAR[c] = letter || digit || c == ':';
        }
    }

    /** What the parser knows about one family while reading; pooled and reused across parses. */
    static final class FamilyState {
        String name;
        byte[] nameBytes;
        MetricType type;
        String help;
        String unit;
        int typeLine;
        int helpLine;
        int unitLine;
        int firstSampleLine;
        int sampleCount;
        boolean keep;
        NameTable.Entry entry;
        final ArrayList<Sample> samples = new ArrayList<>();

        void reset(String name, byte[] nameBytes, boolean keep) {
            this.name = name;
            this.nameBytes = nameBytes;
            this.type = MetricType.UNKNOWN;
            this.help = null;
            this.unit = null;
            this.typeLine = 0;
            this.helpLine = 0;
            this.unitLine = 0;
            this.firstSampleLine = 0;
            this.sampleCount = 0;
            this.keep = keep;
            this.samples.clear();
        }

        /** The index of the suffix (see {@link MetricType#suffix}) that makes a sample name of this family, or -1. */
        int match(byte[] buf, int start, int len) {
            int n = nameBytes.length;
            if (len < n || !Arrays.equals(buf, start, start + n, nameBytes, 0, n)) {
                return -1;
            }
            int rest = len - n;
            for (int i = 0; i < type.suffixCount(); i++) {
                byte[] s = type.suffixBytes(i);
                if (s.length == rest && (rest == 0 || Arrays.equals(buf, start + n, start + len, s, 0, rest))) {
                    return i;
                }
            }
            return -1;
        }

        String describe() {
            return (typeLine > 0 ? type.token() + " " : "") + "family '" + name + "'";
        }
    }

    /** Family records kept pooled between parses; a payload with more drops the rest when it is done. */
    static final int RETAINED_FAMILIES = 1024;
    /** Samples a pooled family's list may keep room for between parses. */
    private static final int RETAINED_SAMPLES = 4096;
    /** Scratch bytes kept between parses; a longer label value or HELP text grows it for that parse only. */
    private static final int RETAINED_SCRATCH = 4096;

    private final ParserLimits limits;
    private final boolean strict;
    private final NameTable table = new NameTable();
    private final ArrayList<FamilyState> pool = new ArrayList<>();
    private HashMap<String, FamilyState> overflowFamilies = new HashMap<>();
    private byte[] scratch = new byte[256];
    private String[] labelPairs = new String[32];
    private int[] labelNameStart = new int[16];
    private int[] labelNameLen = new int[16];
    private int generation;

    // State of the parse in progress.
    private byte[] buf;
    private int pos;
    private int end;
    private int line;
    private int lineStart;
    private boolean openMetrics;
    private FamilyFilter filter;
    private FamilyState current;
    private int familyCount;
    private int series;
    private boolean eofSeen;
    private boolean leSeen;
    private boolean quantileSeen;
    private boolean numericLe;
    private boolean numericQuantile;
    private double leValue;

    // OpenMetrics only: the series and histogram point being read, to check what the format says of them.
    private int labelsHash;
    private int labelsHashNoLe;
    private int exemplarCodePoints;
    private FamilyState lastSeriesFamily;
    private int lastSeriesSuffix;
    private int lastSeriesHash;
    private boolean lastSeriesHasTs;
    private long lastSeriesTs;
    private boolean pointOpen;
    private FamilyState pointFamily;
    private int pointHash;
    private int pointLine;
    private boolean pointInf;
    private double pointInfValue;
    private boolean pointAnyBucket;
    private double pointLastLe;
    private double pointLastBucket;
    private boolean pointCount;
    private double pointCountValue;
    private boolean pointSum;
    private boolean pointNegativeLe;
    private double pointSumValue;

    public ExpositionParser() {
        this(ParserLimits.DEFAULTS);
    }

    /** A parser for scraping: OpenMetrics' syntax checked, its semantics left to the readers (see the class comment). */
    public ExpositionParser(ParserLimits limits) {
        this(limits, false);
    }

    /**
     * @param strictOpenMetrics also refuse OpenMetrics bodies that break the format's semantics (the upstream
     *                          conformance suite's verdicts), not only its syntax
     */
    public ExpositionParser(ParserLimits limits, boolean strictOpenMetrics) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.strict = strictOpenMetrics;
    }

    /** Whether OpenMetrics semantics are enforced, not only its syntax. */
    public boolean strictOpenMetrics() {
        return strict;
    }

    public ParserLimits limits() {
        return limits;
    }

    /** Family records pooled between parses (for tests of the memory bound). */
    int pooledFamilies() {
        return pool.size();
    }

    /** Bytes of scratch kept between parses (for tests of the memory bound). */
    int scratchBytes() {
        return scratch.length;
    }

    /** Parses a whole body, keeping every family. */
    public Exposition parse(byte[] body, ExpositionFormat format) throws ExpositionException {
        return parse(body, 0, body.length, format, FamilyFilter.ALL);
    }

    public Exposition parse(byte[] body, ExpositionFormat format, FamilyFilter filter) throws ExpositionException {
        return parse(body, 0, body.length, format, filter);
    }

    public Exposition parse(ByteBuffer body, ExpositionFormat format, FamilyFilter filter) throws ExpositionException {
        int length = body.remaining();
        checkBodySize(length);
        if (body.hasArray()) {
            return parse(body.array(), body.arrayOffset() + body.position(), length, format, filter);
        }
        byte[] copy = new byte[length];
        body.duplicate().get(copy);
        return parse(copy, 0, length, format, filter);
    }

    /** Parses bytes {@code [offset, offset + length)} of {@code body}. */
    public Exposition parse(byte[] body, int offset, int length, ExpositionFormat format, FamilyFilter filter)
            throws ExpositionException {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(filter, "filter");
        Objects.checkFromIndexSize(offset, length, body.length);
        checkBodySize(length);
        begin(body, offset, length, format, filter);
        try {
            checkNotExposition();
            while (pos < end) {
                line++;
                lineStart = pos;
                if (eofSeen) {
                    throw error(pos, "expected nothing after '# EOF', found " + found(pos));
                }
                byte b = buf[pos];
                if (openMetrics && (b == '\n' || b == '\r')) {
                    throw error(pos, "blank line: OpenMetrics allows none (Prometheus text does)");
                }
                if (b == '\n') {
                    pos++;
                } else if (b == '\r' && pos + 1 < end && buf[pos + 1] == '\n') {
                    pos += 2;
                } else if (b == '#') {
                    parseComment();
                } else {
                    parseSample();
                }
                if (pos - lineStart > limits.maxLineBytes()) {
                    throw lineTooLong();
                }
            }
            closePoint();
            if (openMetrics && !eofSeen) {
                line++;
                lineStart = pos;
                throw error(pos, "expected '# EOF' as the last line of an OpenMetrics body, found end of input");
            }
            return build(format);
        } finally {
            finish();
        }
    }

    private void checkBodySize(int length) throws ExpositionException {
        if (length > limits.maxBodyBytes()) {
            throw new ExpositionException(1, 1, "body is " + length + " bytes, more than the limit of "
                    + limits.maxBodyBytes() + " (ParserLimits.maxBodyBytes)", true);
        }
    }

    private ExpositionException lineTooLong() {
        return limitError(lineStart, "line longer than " + limits.maxLineBytes()
                + " bytes (ParserLimits.maxLineBytes)");
    }

    /**
     * Names the bodies that are not exposition text at all, whose first byte would otherwise read as "found byte
     * 0xef": a UTF-8 byte-order mark, gzip without {@code Content-Encoding}, an HTML page. Costs one look at the
     * first bytes.
     */
    private void checkNotExposition() throws ExpositionException {
        if (pos >= end) {
            return;
        }
        int b0 = buf[pos] & 0xff;
        int b1 = pos + 1 < end ? buf[pos + 1] & 0xff : -1;
        int b2 = pos + 2 < end ? buf[pos + 2] & 0xff : -1;
        line = 1;
        if (b0 == 0xef && b1 == 0xbb && b2 == 0xbf) {
            throw error(pos, "the body starts with a UTF-8 byte-order mark (EF BB BF); exposition text has none: "
                    + "the exporter or a proxy added it");
        }
        if (b0 == 0x1f && b1 == 0x8b) {
            throw error(pos, "the body is gzip-compressed (starts 1F 8B) but came without 'Content-Encoding: gzip'");
        }
        int p = pos;
        while (p < end && (buf[p] == ' ' || buf[p] == '\t' || buf[p] == '\r' || buf[p] == '\n')) {
            p++;
        }
        if (p < end && buf[p] == '<') {
            String what = startsWithIgnoreCase(p, "<!doctype html") || startsWithIgnoreCase(p, "<html")
                    ? "an HTML page" : "HTML or XML";
            throw error(pos, "the body is " + what + " (starts with '" + text(p, Math.min(15, end - p)).strip()
                    + "'), not exposition text: is the URL the metrics endpoint, not a web page or a login proxy?");
        }
        line = 0;
    }

    private boolean startsWithIgnoreCase(int p, String prefix) {
        if (end - p < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (Character.toLowerCase((char) (buf[p + i] & 0xff)) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void begin(byte[] body, int offset, int length, ExpositionFormat format, FamilyFilter filter) {
        table.clearIfCrowded();
        generation++;
        buf = body;
        pos = offset;
        end = offset + length;
        line = 0;
        lineStart = offset;
        openMetrics = format == ExpositionFormat.OPENMETRICS;
        this.filter = filter;
        current = null;
        familyCount = 0;
        series = 0;
        eofSeen = false;
        overflowFamilies.clear();
        lastSeriesFamily = null;
        pointOpen = false;
        pointFamily = null;
    }

    /** Releases what this parse held, so that a hostile payload's size does not outlive it. */
    private void finish() {
        buf = null;
        filter = null;
        current = null;
        lastSeriesFamily = null;
        pointFamily = null;
        for (int i = 0; i < familyCount; i++) {
            FamilyState f = pool.get(i);
            f.samples.clear();
            if (f.sampleCount > RETAINED_SAMPLES) {
                f.samples.trimToSize();
            }
        }
        if (pool.size() > RETAINED_FAMILIES) {
            for (int i = RETAINED_FAMILIES; i < pool.size(); i++) {
                NameTable.Entry e = pool.get(i).entry;
                if (e != null) {
                    e.release();
                }
            }
            pool.subList(RETAINED_FAMILIES, pool.size()).clear();
            pool.trimToSize();
        }
        if (overflowFamilies.size() > 64) {
            overflowFamilies = new HashMap<>();
        } else {
            overflowFamilies.clear();
        }
        if (scratch.length > RETAINED_SCRATCH) {
            scratch = new byte[256];
        }
        Arrays.fill(labelPairs, null);
    }

    private Exposition build(ExpositionFormat format) {
        List<MetricFamily> kept = new ArrayList<>();
        List<String> names = new ArrayList<>(familyCount);
        for (int i = 0; i < familyCount; i++) {
            FamilyState f = pool.get(i);
            names.add(f.name);
            if (f.keep) {
                kept.add(new MetricFamily(f.name, f.type, f.help, f.unit, f.samples));
            }
        }
        return new Exposition(format, kept, names, series);
    }

    // ---- comments and metadata -------------------------------------------------------------------------------

    private void parseComment() throws ExpositionException {
        pos++; // '#'
        if (pos >= end || buf[pos] != ' ') {
            if (openMetrics) {
                throw error(pos, "expected ' ' after '#', found " + found(pos) + " (OpenMetrics has no comments but "
                        + "HELP, TYPE, UNIT and EOF)");
            }
            skipLine();
            return;
        }
        pos++;
        int wordStart = pos;
        while (pos < end && buf[pos] >= 'A' && buf[pos] <= 'Z') {
            pos++;
        }
        int wordLen = pos - wordStart;
        boolean atEol = pos >= end || buf[pos] == '\n' || buf[pos] == '\r';
        boolean spaced = pos < end && buf[pos] == ' ';
        if (wordLen == 3 && buf[wordStart] == 'E' && buf[wordStart + 1] == 'O' && buf[wordStart + 2] == 'F' && atEol) {
            if (openMetrics) {
                closePoint();
                eofSeen = true;
            }
            expectEndOfLine("'# EOF'");
            return;
        }
        if (wordLen == 4 && (spaced || atEol)) {
            int kind = keyword(wordStart);
            if (kind != 0) {
                if (!spaced) {
                    throw error(pos, "expected a metric name after '# " + keywordName(kind) + "', found " + found(pos));
                }
                pos++;
                parseMetadata(kind);
                return;
            }
        }
        if (openMetrics) {
            throw error(wordStart, "expected HELP, TYPE, UNIT or EOF after '# ', found "
                    + (wordLen > 0 ? "'" + text(wordStart, wordLen) + "'" : found(wordStart))
                    + " (OpenMetrics has no other comments)");
        }
        skipLine(); // any other comment, e.g. "# NOTE ..."
    }

    private static final int HELP = 1;
    private static final int TYPE = 2;
    private static final int UNIT = 3;

    private int keyword(int p) {
        byte a = buf[p];
        byte b = buf[p + 1];
        byte c = buf[p + 2];
        byte d = buf[p + 3];
        if (a == 'H' && b == 'E' && c == 'L' && d == 'P') {
            return HELP;
        }
        if (a == 'T' && b == 'Y' && c == 'P' && d == 'E') {
            return TYPE;
        }
        if (a == 'U' && b == 'N' && c == 'I' && d == 'T') {
            return UNIT;
        }
        return 0;
    }

    /** Messages per metadata kind, built once: concatenating them per line would allocate on the hot path. */
    private static final String[] NAME_AFTER = {"", "a metric name after '# HELP'", "a metric name after '# TYPE'",
        "a metric name after '# UNIT'"};
    private static final String[] THE_LINE = {"", "the HELP line", "the TYPE line", "the UNIT line"};

    private static String keywordName(int kind) {
        return kind == HELP ? "HELP" : kind == TYPE ? "TYPE" : "UNIT";
    }

    private void parseMetadata(int kind) throws ExpositionException {
        String keyword = keywordName(kind);
        int nameStart = pos;
        int hash = scanMetricName(NAME_AFTER[kind]);
        int nameLen = pos - nameStart;
        FamilyState family = lookupFamily(nameStart, nameLen, hash);
        if (family == null) {
            family = newFamily(nameStart, nameLen, hash);
        } else if (family.sampleCount > 0) {
            throw error(lineStart, keyword + " line for '" + family.name + "' comes after its samples (first on line "
                    + family.firstSampleLine + "); metadata must precede the samples");
        }
        closePoint();
        current = family;
        boolean atEol = pos >= end || buf[pos] == '\n' || buf[pos] == '\r';
        if (kind == HELP) {
            if (family.helpLine > 0) {
                throw error(lineStart, "second HELP line for '" + family.name + "' (first on line " + family.helpLine + ")");
            }
            family.helpLine = line;
            if (openMetrics) { // one space, then the text: further spaces are part of it
                if (pos >= end || buf[pos] != ' ') {
                    throw error(pos, "expected a space after the metric name, found " + found(pos)
                            + " (OpenMetrics: '# HELP name text', the text may be empty)");
                }
                pos++;
                family.help = readHelpText(family.keep);
                return;
            }
            if (atEol) {
                family.help = "";
                expectEndOfLine(THE_LINE[HELP]);
                return;
            }
            expectSpaceAfter("the metric name");
            family.help = readHelpText(family.keep);
            return;
        }
        if (atEol) {
            throw error(pos, "expected a " + (kind == TYPE ? "metric type" : "unit") + " after '" + family.name
                    + "', found " + found(pos));
        }
        expectSpaceAfter("the metric name");
        int wordStart = pos;
        while (pos < end && buf[pos] != '\n' && buf[pos] != ' ' && buf[pos] != '\r') {
            pos++;
        }
        int wordLen = pos - wordStart;
        if (kind == TYPE) {
            MetricType type = MetricType.fromToken(buf, wordStart, wordLen);
            if (type == null) {
                throw error(wordStart, "expected a metric type (counter, gauge, histogram, gaugehistogram, summary, "
                        + "info, stateset, unknown or untyped), found '" + text(wordStart, wordLen) + "'");
            }
            if (openMetrics && wordLen == 7 && buf[wordStart] == 'u' && buf[wordStart + 2] == 't') {
                throw error(wordStart, "'untyped' is Prometheus text; OpenMetrics calls it 'unknown'");
            }
            if (family.typeLine > 0) {
                String again = type == family.type ? "second" : "contradicting";
                throw error(lineStart, again + " TYPE line for '" + family.name + "': " + type.token()
                        + " here, " + family.type.token() + " on line " + family.typeLine);
            }
            family.type = type;
            family.typeLine = line;
            if (openMetrics) {
                if (strict) {
                    checkNoClash(family);
                }
            }
        } else {
            if (family.unitLine > 0) {
                throw error(lineStart, "second UNIT line for '" + family.name + "' (first on line " + family.unitLine + ")");
            }
            family.unitLine = line;
            family.unit = family.keep ? text(wordStart, wordLen) : "";
            if (strict && openMetrics && wordLen > 0) {
                checkUnit(family, wordStart, wordLen);
            }
        }
        expectEndOfLine(THE_LINE[kind]);
    }

    /** Reads HELP text to the end of the line, unescaping {@code \\}, {@code \n} and {@code \"}. */
    private String readHelpText(boolean keep) throws ExpositionException {
        int n = 0;
        while (pos < end && buf[pos] != '\n') {
            byte c = buf[pos];
            if (c == '\\' && pos + 1 < end) {
                byte e = buf[pos + 1];
                byte unescaped = e == '\\' ? (byte) '\\' : e == 'n' ? (byte) '\n' : e == '"' ? (byte) '"' : 0;
                if (unescaped != 0) { // any other escape is kept as written, as Prometheus does
                    c = unescaped;
                    pos++;
                }
            }
            if (n >= limits.maxLineBytes()) {
                throw lineTooLong();
            }
            if (keep) {
                ensureScratch(n + 1);
                scratch[n] = c;
            }
            n++;
            pos++;
        }
        if (pos < end) {
            pos++; // '\n'
        }
        if (!keep) {
            return "";
        }
        if (n > 0 && scratch[n - 1] == '\r') {
            n--;
        }
        return new String(scratch, 0, n, StandardCharsets.UTF_8);
    }

    // ---- samples ---------------------------------------------------------------------------------------------

    private void parseSample() throws ExpositionException {
        int nameStart = pos;
        int hash = scanMetricName("a metric name, '#' or end of line");
        int nameLen = pos - nameStart;
        if (++series > limits.maxSeries()) {
            throw limitError(nameStart, "more than " + limits.maxSeries() + " series in one body (ParserLimits.maxSeries)");
        }
        FamilyState family = current;
        int suffix = family == null ? -1 : family.match(buf, nameStart, nameLen);
        if (suffix < 0) {
            if (family != null && family.sampleCount == 0 && (family.typeLine > 0 || family.helpLine > 0)) {
                String declared = family.typeLine > 0 ? "TYPE on line " + family.typeLine : "HELP on line " + family.helpLine;
                throw error(nameStart, "expected a sample of " + family.describe() + " (" + declared + "): "
                        + family.type.expectedSampleNames(family.name) + ", found '" + text(nameStart, nameLen)
                        + "'; the metadata names no sample that follows it");
            }
            family = lookupFamily(nameStart, nameLen, hash);
            if (family == null) {
                family = newFamily(nameStart, nameLen, hash);
                suffix = 0;
            } else {
                suffix = family.match(buf, nameStart, nameLen);
                if (suffix < 0) {
                    throw error(nameStart, "sample '" + text(nameStart, nameLen) + "' does not belong to "
                            + family.describe() + ": expected " + family.type.expectedSampleNames(family.name));
                }
                if (family.sampleCount > 0 && family.typeLine > 0) {
                    throw error(nameStart, "samples of " + family.describe() + " are not grouped together (first on line "
                            + family.firstSampleLine + "); each family must be one block");
                }
            }
            current = family;
        }
        if (family.sampleCount++ == 0) {
            family.firstSampleLine = line;
        }
        boolean keep = family.keep;

        int labelCount = 0;
        leSeen = false;
        quantileSeen = false;
        if (pos < end && buf[pos] == '{') {
            MetricType t = family.type;
            numericLe = (t == MetricType.HISTOGRAM || t == MetricType.GAUGE_HISTOGRAM) && suffix == 0;
            numericQuantile = t == MetricType.SUMMARY && suffix == 0;
            labelsHash = 0;
            labelsHashNoLe = 0;
            labelCount = parseLabels(0, keep);
            numericLe = false;
            numericQuantile = false;
        } else {
            labelsHash = 0;
            labelsHashNoLe = 0;
        }
        checkSpecialLabels(family, suffix, nameStart, nameLen);
        if (strict && openMetrics && family.type == MetricType.STATESET && !hasLabel(labelCount, family.nameBytes)) {
            throw error(nameStart, "stateset sample '" + text(nameStart, nameLen) + "' has no label named after its "
                    + "family ('" + family.name + "')");
        }

        expectSpaceAfter(labelCount > 0 || buf[pos - 1] == '}' ? "the labels" : "the metric name");
        double value = readNumber("a value (a number, NaN, +Inf or -Inf)");

        long timestamp = Sample.NO_TIMESTAMP;
        boolean hasTimestamp = false;
        Exemplar exemplar = null;
        if (openMetrics) {
            if (pos < end && buf[pos] == ' ') {
                pos++;
                if (pos >= end || buf[pos] == ' ' || buf[pos] == '\t' || buf[pos] == '\n' || buf[pos] == '\r') {
                    throw error(pos, "expected a timestamp or an exemplar after the value's space, found " + found(pos)
                            + " (OpenMetrics allows no trailing or repeated blanks)");
                }
                if (buf[pos] != '#') {
                    timestamp = readTimestamp();
                    hasTimestamp = true;
                    if (pos < end && buf[pos] == ' ') {
                        pos++;
                        if (pos >= end || buf[pos] != '#') {
                            throw error(pos, "expected an exemplar ('# {') after the timestamp's space, found "
                                    + found(pos));
                        }
                    }
                }
            }
            if (strict) {
                checkOpenMetricsSample(family, suffix, value, nameStart, nameLen, hasTimestamp, timestamp);
            }
        } else {
            skipBlanks();
            if (pos < end && buf[pos] != '\n' && buf[pos] != '\r' && buf[pos] != '#') {
                timestamp = readTimestamp();
                skipBlanks();
            }
        }
        if (pos < end && buf[pos] == '#') {
            if (!openMetrics) {
                throw error(pos, "expected a timestamp or end of line, found '#' (exemplars need OpenMetrics)");
            }
            MetricType t = family.type;
            boolean allowed = (t == MetricType.COUNTER && suffix == 1)
                    || ((t == MetricType.HISTOGRAM || t == MetricType.GAUGE_HISTOGRAM) && suffix == 0);
            if (strict && !allowed) {
                throw error(pos, "an exemplar on '" + text(nameStart, nameLen) + "': OpenMetrics allows them only on "
                        + "a counter's _total and a histogram's _bucket samples");
            }
            int exemplarStart = pos;
            exemplar = readExemplar(labelCount, keep);
            if (strict && exemplarCodePoints > 128) {
                throw error(exemplarStart, "the exemplar's labels are " + exemplarCodePoints
                        + " characters long, more than OpenMetrics' 128");
            }
        }
        expectEndOfLine("the sample");

        if (keep) {
            String name = table.string(buf, nameStart, nameLen, hash);
            Labels labels = labelCount == 0 ? Labels.EMPTY : new Labels(Arrays.copyOf(labelPairs, labelCount * 2));
            family.samples.add(new Sample(name, labels, value, timestamp, exemplar));
        }
    }

    private void checkSpecialLabels(FamilyState family, int suffix, int nameStart, int nameLen) throws ExpositionException {
        MetricType type = family.type;
        if ((type == MetricType.HISTOGRAM || type == MetricType.GAUGE_HISTOGRAM) && suffix == 0 && !leSeen) {
            throw error(nameStart, "histogram bucket '" + text(nameStart, nameLen) + "' has no 'le' label");
        }
        if (type == MetricType.SUMMARY && suffix == 0 && !quantileSeen) {
            throw error(nameStart, "summary sample '" + text(nameStart, nameLen) + "' has no 'quantile' label");
        }
    }

    private Exemplar readExemplar(int sampleLabels, boolean keep) throws ExpositionException {
        pos++; // '#'
        if (pos >= end || buf[pos] != ' ') {
            throw error(pos, "expected ' ' after '#' before an exemplar, found " + found(pos));
        }
        pos++;
        if (pos >= end || buf[pos] != '{') {
            throw error(pos, "expected '{' to open the exemplar's labels, found " + found(pos));
        }
        int base = sampleLabels * 2;
        exemplarCodePoints = 0;
        int n = parseLabels(base, keep);
        expectSpaceAfter("the exemplar's labels");
        double value = readNumber("the exemplar's value");
        long timestamp = Sample.NO_TIMESTAMP;
        if (pos < end && buf[pos] == ' ') {
            pos++;
            if (pos >= end || buf[pos] == ' ' || buf[pos] == '\t' || buf[pos] == '\n' || buf[pos] == '\r') {
                throw error(pos, "expected the exemplar's timestamp after its value's space, found " + found(pos)
                        + " (OpenMetrics allows no trailing or repeated blanks)");
            }
            timestamp = readTimestamp();
        }
        if (!keep) {
            return null;
        }
        Labels labels = n == 0 ? Labels.EMPTY : new Labels(Arrays.copyOfRange(labelPairs, base, base + n * 2));
        return new Exemplar(labels, value, timestamp);
    }

    /** Parses {@code {a="b",c="d"}} at {@code pos}; stores interned pairs from {@code base} when kept. */
    private int parseLabels(int base, boolean keep) throws ExpositionException {
        pos++; // '{'
        int n = 0;
        while (true) {
            skipBlanks();
            if (pos >= end || buf[pos] == '\n') {
                throw error(pos, "expected a label name or '}', found " + found(pos));
            }
            if (buf[pos] == '}') {
                pos++;
                return n;
            }
            int nameStart = pos;
            if (!LABEL_START[buf[pos] & 0xff]) {
                throw error(pos, "expected a label name or '}', found " + found(pos));
            }
            int nameHash = 0;
            while (pos < end && LABEL_CHAR[buf[pos] & 0xff]) {
                nameHash = 31 * nameHash + buf[pos];
                pos++;
            }
            int nameLen = pos - nameStart;
            if (nameLen > limits.maxLabelNameLength()) {
                throw limitError(nameStart, "label name longer than " + limits.maxLabelNameLength()
                        + " bytes (ParserLimits.maxLabelNameLength)");
            }
            if (n >= limits.maxLabelsPerSeries()) {
                throw limitError(nameStart, "more than " + limits.maxLabelsPerSeries()
                        + " labels on one series (ParserLimits.maxLabelsPerSeries)");
            }
            for (int k = 0; k < n; k++) {
                if (labelNameLen[k] == nameLen && Arrays.equals(buf, labelNameStart[k], labelNameStart[k] + nameLen,
                        buf, nameStart, nameStart + nameLen)) {
                    throw error(nameStart, "label '" + text(nameStart, nameLen) + "' appears twice in one series");
                }
            }
            if (n >= labelNameStart.length) {
                labelNameStart = Arrays.copyOf(labelNameStart, n * 2);
                labelNameLen = Arrays.copyOf(labelNameLen, n * 2);
            }
            labelNameStart[n] = nameStart;
            labelNameLen[n] = nameLen;
            if (pos >= end || buf[pos] != '=') {
                throw error(pos, "expected '=' after label name '" + text(nameStart, nameLen) + "', found " + found(pos));
            }
            pos++;
            if (pos >= end || buf[pos] != '"') {
                throw error(pos, "expected '\"' to open the value of label '" + text(nameStart, nameLen) + "', found "
                        + found(pos));
            }
            pos++;
            int valueStart = pos;
            int len = 0;
            int valueHash = 0;
            int highBits = 0;
            while (true) {
                if (pos >= end || buf[pos] == '\n') {
                    throw error(pos, "unterminated value of label '" + text(nameStart, nameLen) + "': expected '\"', found "
                            + found(pos));
                }
                byte c = buf[pos];
                if (c == '"') {
                    pos++;
                    break;
                }
                if (c == '\\') {
                    byte e = pos + 1 < end ? buf[pos + 1] : 0;
                    byte unescaped = e == '\\' ? (byte) '\\' : e == 'n' ? (byte) '\n' : e == '"' ? (byte) '"' : 0;
                    if (unescaped != 0) { // any other escape is kept as written, both bytes, as Prometheus does
                        c = unescaped;
                        pos++;
                    }
                }
                if (len >= limits.maxLabelValueLength()) {
                    throw limitError(valueStart, "value of label '" + text(nameStart, nameLen) + "' longer than "
                            + limits.maxLabelValueLength() + " bytes (ParserLimits.maxLabelValueLength)");
                }
                if (len >= scratch.length) {
                    ensureScratch(len + 1);
                }
                scratch[len++] = c;
                valueHash = 31 * valueHash + c;
                highBits |= c;
                pos++;
            }
            // Only a value with a non-ASCII byte is walked again; Prometheus refuses one that is not UTF-8.
            if ((highBits & 0x80) != 0 && !validUtf8(scratch, len)) {
                throw error(valueStart, "the value of label '" + text(nameStart, nameLen) + "' is not valid UTF-8");
            }
            checkNumericLabel(nameStart, nameLen, valueStart, len);
            if (base == 0) {
                int pair = 31 * nameHash + valueHash * 0x9E3779B1;
                labelsHash = 31 * labelsHash + pair;
                if (!(nameLen == 2 && buf[nameStart] == 'l' && buf[nameStart + 1] == 'e')) {
                    labelsHashNoLe = 31 * labelsHashNoLe + pair;
                }
            } else if (openMetrics) {
                exemplarCodePoints += codePoints(buf, nameStart, nameLen) + codePoints(scratch, 0, len);
            }
            if (keep) {
                int at = base + n * 2;
                if (at + 2 > labelPairs.length) {
                    labelPairs = Arrays.copyOf(labelPairs, Math.max(labelPairs.length * 2, at + 2));
                }
                labelPairs[at] = table.string(buf, nameStart, nameLen, nameHash);
                labelPairs[at + 1] = table.string(scratch, 0, len, valueHash);
            }
            n++;
            skipBlanks();
            if (pos < end && buf[pos] == ',') {
                pos++;
                if (openMetrics && pos < end && buf[pos] == '}') {
                    throw error(pos, "expected a label name after ',', found '}' (OpenMetrics allows no trailing comma)");
                }
                continue;
            }
            if (pos < end && buf[pos] == '}') {
                pos++;
                return n;
            }
            throw error(pos, "expected ',' or '}' after the value of label '" + text(nameStart, nameLen) + "', found "
                    + found(pos));
        }
    }

    /** A bucket's {@code le} and a summary's {@code quantile} must be numbers; elsewhere they are plain labels. */
    private void checkNumericLabel(int nameStart, int nameLen, int valueStart, int len) throws ExpositionException {
        boolean le = numericLe && nameLen == 2 && buf[nameStart] == 'l' && buf[nameStart + 1] == 'e';
        boolean quantile = numericQuantile && nameLen == 8 && Arrays.equals(buf, nameStart, nameStart + 8, QUANTILE, 0, 8);
        if (!le && !quantile) {
            return;
        }
        double v = ExpositionNumbers.parse(scratch, 0, len);
        if (Double.isNaN(v) && !ExpositionNumbers.isNaNToken(scratch, 0, len)) {
            throw error(valueStart, "expected a number for label '" + (le ? "le" : "quantile") + "', found '"
                    + new String(scratch, 0, len, StandardCharsets.UTF_8) + "'");
        }
        if (le) {
            leValue = v;
            if (strict && openMetrics && v == Double.POSITIVE_INFINITY && !(len == 4 && scratch[0] == '+' && scratch[1] == 'I'
                    && scratch[2] == 'n' && scratch[3] == 'f')) {
                throw error(valueStart, "expected le=\"+Inf\" for the last bucket, found '"
                        + new String(scratch, 0, len, StandardCharsets.UTF_8) + "' (OpenMetrics spells it +Inf)");
            }
        }
        if (quantile && strict && openMetrics && !(v >= 0.0 && v <= 1.0)) {
            throw error(valueStart, "expected a quantile between 0 and 1, found '"
                    + new String(scratch, 0, len, StandardCharsets.UTF_8) + "'");
        }
        leSeen |= le;
        quantileSeen |= quantile;
    }

    private static int codePoints(byte[] b, int off, int len) {
        int n = 0;
        for (int i = off; i < off + len; i++) {
            if ((b[i] & 0xc0) != 0x80) {
                n++;
            }
        }
        return n;
    }

    private boolean hasLabel(int labelCount, byte[] name) {
        for (int k = 0; k < labelCount; k++) {
            if (labelNameLen[k] == name.length
                    && Arrays.equals(buf, labelNameStart[k], labelNameStart[k] + name.length, name, 0, name.length)) {
                return true;
            }
        }
        return false;
    }

    // ---- OpenMetrics semantics ------------------------------------------------------------------------------

    /** A family typed here must not claim a sample name another family of this body already has. */
    private void checkNoClash(FamilyState family) throws ExpositionException {
        MetricType t = family.type;
        byte[] n = family.nameBytes;
        for (int i = 0; i < t.suffixCount(); i++) {
            byte[] suffix = t.suffixBytes(i);
            if (suffix.length == 0) {
                continue;
            }
            byte[] full = Arrays.copyOf(n, n.length + suffix.length);
            System.arraycopy(suffix, 0, full, n.length, suffix.length);
            int h = 0;
            for (byte b : full) {
                h = 31 * h + b;
            }
            NameTable.Entry e = table.get(full, 0, full.length, h);
            FamilyState other = e != null ? (e.generation == generation ? e.family : null)
                    : overflowFamilies.get(new String(full, StandardCharsets.UTF_8));
            if (other != null && other != family) {
                throw error(lineStart, t.token() + " '" + family.name + "' would own the samples named '" + other.name
                        + "', already a family of this body");
            }
        }
    }

    /** A UNIT must be the name's last component, and info and stateset families have none. */
    private void checkUnit(FamilyState family, int unitStart, int unitLen) throws ExpositionException {
        byte[] n = family.nameBytes;
        boolean suffixed = n.length > unitLen && n[n.length - unitLen - 1] == '_'
                && Arrays.equals(n, n.length - unitLen, n.length, buf, unitStart, unitStart + unitLen);
        if (!suffixed) {
            throw error(unitStart, "the unit '" + text(unitStart, unitLen) + "' must end the metric name ('"
                    + family.name + "' does not end in '_" + text(unitStart, unitLen) + "')");
        }
        if (family.type == MetricType.INFO || family.type == MetricType.STATESET) {
            throw error(unitStart, family.type.token() + " family '" + family.name + "' cannot have a unit");
        }
    }

    /**
     * What OpenMetrics says of a sample's value, its series and its histogram point: counters, buckets, counts
     * and sums are numbers of zero or more; info is 1 and stateset 0 or 1; a series repeated in a row has
     * timestamps that do not go back; a histogram point's buckets rise in {@code le} and count, end in +Inf and
     * come before its count and sum, which go together. A few comparisons per sample; nothing allocated.
     */
    private void checkOpenMetricsSample(FamilyState family, int suffix, double value, int nameStart, int nameLen,
            boolean hasTimestamp, long timestamp) throws ExpositionException {
        MetricType t = family.type;
        boolean histogram = t == MetricType.HISTOGRAM || t == MetricType.GAUGE_HISTOGRAM;
        boolean counting = (t == MetricType.COUNTER && suffix == 1)
                || (histogram && (suffix == 0 || suffix == 1))
                || (t == MetricType.HISTOGRAM && suffix == 2)
                || (t == MetricType.SUMMARY && (suffix == 1 || suffix == 2));
        if (counting && !(value >= 0.0)) {
            throw error(nameStart, "'" + text(nameStart, nameLen) + "' counts, so it must be a number of zero or "
                    + "more, found " + value);
        }
        if (histogram && suffix == 2 && Double.isNaN(value)) {
            throw error(nameStart, "'" + text(nameStart, nameLen) + "' must be a number, found NaN");
        }
        if (t == MetricType.SUMMARY && suffix == 0 && value < 0) {
            throw error(nameStart, "a quantile of summary '" + family.name + "' must not be negative, found " + value);
        }
        if (t == MetricType.INFO && value != 1.0) {
            throw error(nameStart, "info sample '" + text(nameStart, nameLen) + "' must be 1, found " + value);
        }
        if (t == MetricType.STATESET && value != 0.0 && value != 1.0) {
            throw error(nameStart, "stateset sample '" + text(nameStart, nameLen) + "' must be 0 or 1, found " + value);
        }
        if (lastSeriesFamily == family && lastSeriesSuffix == suffix && lastSeriesHash == labelsHash) {
            if (!hasTimestamp || !lastSeriesHasTs) {
                throw error(nameStart, "series '" + text(nameStart, nameLen) + "' repeats the line before it without "
                        + "a timestamp on both");
            }
            if (timestamp < lastSeriesTs) {
                throw error(nameStart, "series '" + text(nameStart, nameLen) + "' goes back in time from the line "
                        + "before it");
            }
        }
        lastSeriesFamily = family;
        lastSeriesSuffix = suffix;
        lastSeriesHash = labelsHash;
        lastSeriesHasTs = hasTimestamp;
        lastSeriesTs = timestamp;
        if (!histogram) {
            return;
        }
        if (!pointOpen || pointFamily != family || pointHash != labelsHashNoLe) {
            closePoint();
            pointOpen = true;
            pointFamily = family;
            pointHash = labelsHashNoLe;
            pointLine = line;
            pointInf = false;
            pointAnyBucket = false;
            pointLastLe = Double.NEGATIVE_INFINITY;
            pointLastBucket = 0;
            pointCount = false;
            pointSum = false;
            pointNegativeLe = false;
        }
        if (suffix == 0) {
            if (pointCount || pointSum) {
                throw error(nameStart, "bucket of histogram '" + family.name + "' after its count or sum: the buckets "
                        + "come first");
            }
            if (pointAnyBucket && !(leValue > pointLastLe)) {
                throw error(nameStart, "buckets of histogram '" + family.name + "' out of order: le " + leValue
                        + " after " + pointLastLe);
            }
            if (value < pointLastBucket) {
                throw error(nameStart, "bucket le=" + leValue + " of histogram '" + family.name + "' counts " + value
                        + ", fewer than the bucket before it (" + pointLastBucket + "): buckets are cumulative");
            }
            pointAnyBucket = true;
            pointLastLe = leValue;
            pointLastBucket = value;
            pointNegativeLe |= leValue < 0;
            if (leValue == Double.POSITIVE_INFINITY) {
                pointInf = true;
                pointInfValue = value;
            }
        } else if (suffix == 1) {
            pointCount = true;
            pointCountValue = value;
        } else if (suffix == 2) {
            pointSum = true;
            pointSumValue = value;
        }
    }

    /** Checks the histogram point just read as a whole, once its last line has gone by. */
    private void closePoint() throws ExpositionException {
        if (!pointOpen) {
            return;
        }
        pointOpen = false;
        FamilyState f = pointFamily;
        pointFamily = null;
        String which = f.type.token() + " '" + f.name + "' (from line " + pointLine + ")";
        String count = f.type == MetricType.HISTOGRAM ? "_count" : "_gcount";
        String sum = f.type == MetricType.HISTOGRAM ? "_sum" : "_gsum";
        if (!pointInf) {
            throw error(pos, which + " has no le=\"+Inf\" bucket");
        }
        if (pointCount != pointSum) {
            throw error(pos, which + " has " + (pointCount ? count + " without " + sum : sum + " without " + count)
                    + ": they go together");
        }
        if (pointCount && pointCountValue != pointInfValue) {
            throw error(pos, which + ": " + count + " is " + pointCountValue + " but the +Inf bucket counts "
                    + pointInfValue);
        }
        if (f.type == MetricType.GAUGE_HISTOGRAM && pointSum && pointSumValue < 0 && !pointNegativeLe) {
            throw error(pos, which + " has a negative _gsum but no negative bucket");
        }
        if (f.type == MetricType.HISTOGRAM && pointNegativeLe && pointSum) {
            throw error(pos, which + " has a negative bucket and a _sum: OpenMetrics allows a sum only when every "
                    + "bucket is at zero or more");
        }
    }

    private static final byte[] QUANTILE = "quantile".getBytes(StandardCharsets.US_ASCII);

    private double readNumber(String what) throws ExpositionException {
        int start = pos;
        while (pos < end && buf[pos] != ' ' && buf[pos] != '\t' && buf[pos] != '\n' && buf[pos] != '\r') {
            pos++;
        }
        int len = pos - start;
        if (len == 0) {
            throw error(start, "expected " + what + ", found " + found(start));
        }
        double v = ExpositionNumbers.parse(buf, start, len);
        if (Double.isNaN(v) && !ExpositionNumbers.isNaNToken(buf, start, len)) {
            throw error(start, "expected " + what + ", found '" + text(start, len) + "'");
        }
        return v;
    }

    /** Prometheus text: integer milliseconds. OpenMetrics: seconds, possibly fractional; kept as milliseconds. */
    private long readTimestamp() throws ExpositionException {
        int start = pos;
        if (!openMetrics) {
            boolean negative = pos < end && buf[pos] == '-';
            if (negative) {
                pos++;
            }
            long ms = 0;
            int digits = 0;
            while (pos < end && buf[pos] >= '0' && buf[pos] <= '9') {
                if (++digits > 18) {
                    throw error(start, "timestamp has more than 18 digits");
                }
                ms = ms * 10 + (buf[pos] - '0');
                pos++;
            }
            if (digits == 0 || (pos < end && buf[pos] != ' ' && buf[pos] != '\t' && buf[pos] != '\n' && buf[pos] != '\r')) {
                while (pos < end && buf[pos] != ' ' && buf[pos] != '\n') {
                    pos++;
                }
                throw error(start, "expected an integer timestamp in milliseconds or end of line, found '"
                        + text(start, pos - start) + "'");
            }
            return negative ? -ms : ms;
        }
        double seconds = readNumber("a timestamp in seconds or end of line");
        if (!Double.isFinite(seconds)) {
            throw error(start, "expected a finite timestamp in seconds, found '" + text(start, pos - start) + "'");
        }
        return Math.round(seconds * 1000.0); // saturates far outside any real clock, as Prometheus' does
    }

    // ---- families --------------------------------------------------------------------------------------------

    private FamilyState lookupFamily(int start, int len, int hash) {
        NameTable.Entry e = table.get(buf, start, len, hash);
        if (e != null) {
            return e.generation == generation ? e.family : null;
        }
        return overflowFamilies.get(new String(buf, start, len, StandardCharsets.UTF_8));
    }

    private FamilyState newFamily(int start, int len, int hash) throws ExpositionException {
        if (familyCount >= limits.maxFamilies()) {
            throw limitError(start, "more than " + limits.maxFamilies()
                    + " distinct families in one body (ParserLimits.maxFamilies)");
        }
        NameTable.Entry e = table.get(buf, start, len, hash);
        String name = e != null ? e.string : new String(buf, start, len, StandardCharsets.UTF_8);
        byte[] nameBytes = e != null ? e.bytes : Arrays.copyOfRange(buf, start, start + len);
        FamilyState f;
        if (familyCount < pool.size()) {
            f = pool.get(familyCount);
        } else {
            f = new FamilyState();
            pool.add(f);
        }
        familyCount++;
        f.reset(name, nameBytes, filter.wants(name));
        f.entry = e;
        if (e != null) {
            e.family = f;
            e.generation = generation;
        } else {
            overflowFamilies.put(name, f);
        }
        return f;
    }

    // ---- lexing helpers --------------------------------------------------------------------------------------

    /** Scans a metric name at {@code pos} and returns its hash; {@code expected} names what should be there. */
    private int scanMetricName(String expected) throws ExpositionException {
        if (pos >= end || !METRIC_START[buf[pos] & 0xff]) {
            throw error(pos, "expected " + expected + ", found " + found(pos));
        }
        int h = 0;
        while (pos < end && METRIC_CHAR[buf[pos] & 0xff]) {
            h = 31 * h + buf[pos];
            pos++;
        }
        return h;
    }

    private void expectSpaceAfter(String what) throws ExpositionException {
        if (pos >= end || (buf[pos] != ' ' && buf[pos] != '\t')) {
            String hint = pos < end && buf[pos] != '\n' ? "" : " (the line is truncated)";
            throw error(pos, "expected a space after " + what + ", found " + found(pos) + hint);
        }
        if (openMetrics) {
            if (buf[pos] != ' ' || (pos + 1 < end && (buf[pos + 1] == ' ' || buf[pos + 1] == '\t'))) {
                throw error(pos, "expected one space after " + what + " (OpenMetrics allows no tabs or repeated "
                        + "blanks), found " + (buf[pos] == '\t' ? "a tab" : "more"));
            }
            pos++;
            return;
        }
        skipBlanks();
    }

    private void expectEndOfLine(String what) throws ExpositionException {
        if (openMetrics && pos < end && (buf[pos] == ' ' || buf[pos] == '\t')) {
            throw error(pos, "expected end of line after " + what + ", found " + found(pos)
                    + " (OpenMetrics allows no trailing blanks)");
        }
        skipBlanks();
        if (pos >= end) {
            return;
        }
        if (buf[pos] == '\n') {
            pos++;
            return;
        }
        if (buf[pos] == '\r' && pos + 1 < end && buf[pos + 1] == '\n') {
            pos += 2;
            return;
        }
        throw error(pos, "expected end of line after " + what + ", found " + found(pos));
    }

    private void skipBlanks() {
        while (pos < end && (buf[pos] == ' ' || buf[pos] == '\t')) {
            pos++;
        }
    }

    private void skipLine() {
        while (pos < end && buf[pos] != '\n') {
            pos++;
        }
        if (pos < end) {
            pos++;
        }
    }

    /** Whether the first {@code len} bytes are well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF). */
    static boolean validUtf8(byte[] b, int len) {
        int i = 0;
        while (i < len) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                i++;
                continue;
            }
            int n;
            int min;
            if (c >= 0xc2 && c <= 0xdf) {
                n = 1;
                min = 0x80;
            } else if (c >= 0xe0 && c <= 0xef) {
                n = 2;
                min = 0x800;
            } else if (c >= 0xf0 && c <= 0xf4) {
                n = 3;
                min = 0x10000;
            } else {
                return false;
            }
            if (i + n >= len) {
                return false;
            }
            int cp = c & (0x3f >> n);
            for (int k = 1; k <= n; k++) {
                int d = b[i + k] & 0xff;
                if ((d & 0xc0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (d & 0x3f);
            }
            if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
                return false;
            }
            i += n + 1;
        }
        return true;
    }

    private void ensureScratch(int size) {
        if (size > scratch.length) {
            scratch = Arrays.copyOf(scratch, Math.max(size, scratch.length * 2));
        }
    }

    private String text(int start, int len) {
        int n = Math.min(len, 80);
        String s = new String(buf, start, n, StandardCharsets.UTF_8);
        return n < len ? s + "…" : s;
    }

    private String found(int p) {
        if (p >= end) {
            return "end of input";
        }
        int b = buf[p] & 0xff;
        if (b == '\n') {
            return "end of line";
        }
        if (b == ' ') {
            return "a space";
        }
        if (b == '\t') {
            return "a tab";
        }
        if (b > 0x20 && b < 0x7f) {
            return "'" + (char) b + "'";
        }
        return String.format("byte 0x%02x", b);
    }

    private ExpositionException error(int p, String detail) {
        return new ExpositionException(line, p - lineStart + 1, detail);
    }

    private ExpositionException limitError(int p, String detail) {
        return new ExpositionException(line, p - lineStart + 1, detail, true);
    }
}
