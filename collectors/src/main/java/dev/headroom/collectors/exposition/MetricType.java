package dev.headroom.collectors.exposition;

import java.nio.charset.StandardCharsets;

/** The type a family declares in its {@code # TYPE} line; {@link #UNKNOWN} when it declares none. */
public enum MetricType {
    /** Samples {@code x} (Prometheus text, where the family is usually named {@code x_total}), {@code x_total}, {@code x_created}. */
    COUNTER("counter", "", "_total", "_created"),
    GAUGE("gauge", ""),
    HISTOGRAM("histogram", "_bucket", "_count", "_sum", "_created"),
    GAUGE_HISTOGRAM("gaugehistogram", "_bucket", "_gcount", "_gsum"),
    SUMMARY("summary", "", "_count", "_sum", "_created"),
    INFO("info", "", "_info"),
    STATESET("stateset", ""),
    /** OpenMetrics {@code unknown}, Prometheus text {@code untyped}, or no TYPE line at all. */
    UNKNOWN("unknown", "");

    /** {@code values()} clones its array on every call; TYPE lines are on the hot path. */
    private static final MetricType[] VALUES = values();

    private final String token;
    private final String[] suffixes;
    private final byte[][] suffixBytes;

    MetricType(String token, String... suffixes) {
        this.token = token;
        this.suffixes = suffixes;
        this.suffixBytes = new byte[suffixes.length][];
        for (int i = 0; i < suffixes.length; i++) {
            suffixBytes[i] = suffixes[i].getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** The word used in a TYPE line. */
    public String token() {
        return token;
    }

    /** Sample-name suffixes that belong to a family of this type ({@code ""} is the bare family name). */
    public String suffix(int i) {
        return suffixes[i];
    }

    public int suffixCount() {
        return suffixes.length;
    }

    byte[] suffixBytes(int i) {
        return suffixBytes[i];
    }

    /** The type a TYPE line names, or null when the word is none of them. */
    static MetricType fromToken(byte[] b, int off, int len) {
        for (MetricType t : VALUES) {
            if (equalsAscii(b, off, len, t.token)) {
                return t;
            }
        }
        return equalsAscii(b, off, len, "untyped") ? UNKNOWN : null;
    }

    private static boolean equalsAscii(byte[] b, int off, int len, String word) {
        if (len != word.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (b[off + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** "x_bucket, x_count, x_sum or x_created" for error messages. */
    String expectedSampleNames(String family) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < suffixes.length; i++) {
            if (i > 0) {
                sb.append(i == suffixes.length - 1 ? " or " : ", ");
            }
            sb.append(family).append(suffixes[i]);
        }
        return sb.toString();
    }
}
