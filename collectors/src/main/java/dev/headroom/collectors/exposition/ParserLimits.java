package dev.headroom.collectors.exposition;

/**
 * Bounds on what one payload may cost. Anything beyond them is an {@link ExpositionException}, so a broken or
 * hostile endpoint costs bounded memory and time.
 *
 * @param maxBodyBytes        largest body accepted, in bytes
 * @param maxSeries           most sample lines in one body (counted for skipped families too)
 * @param maxLabelNameLength  longest label name, in bytes
 * @param maxLabelValueLength longest label value after unescaping, in bytes
 * @param maxLabelsPerSeries  most labels on one sample
 */
public record ParserLimits(
        long maxBodyBytes, int maxSeries, int maxLabelNameLength, int maxLabelValueLength, int maxLabelsPerSeries) {

    /** 16 MiB, 200,000 series, 1,024-byte names, 16 KiB values, 64 labels: generous for any real engine. */
    public static final ParserLimits DEFAULTS = new ParserLimits(16L * 1024 * 1024, 200_000, 1024, 16 * 1024, 64);

    public ParserLimits {
        requirePositive("maxBodyBytes", maxBodyBytes);
        requirePositive("maxSeries", maxSeries);
        requirePositive("maxLabelNameLength", maxLabelNameLength);
        requirePositive("maxLabelValueLength", maxLabelValueLength);
        requirePositive("maxLabelsPerSeries", maxLabelsPerSeries);
        if (maxBodyBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxBodyBytes must fit in one array, got " + maxBodyBytes);
        }
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    public ParserLimits withMaxBodyBytes(long bytes) {
        return new ParserLimits(bytes, maxSeries, maxLabelNameLength, maxLabelValueLength, maxLabelsPerSeries);
    }

    public ParserLimits withMaxSeries(int series) {
        return new ParserLimits(maxBodyBytes, series, maxLabelNameLength, maxLabelValueLength, maxLabelsPerSeries);
    }

    public ParserLimits withMaxLabelValueLength(int bytes) {
        return new ParserLimits(maxBodyBytes, maxSeries, maxLabelNameLength, bytes, maxLabelsPerSeries);
    }

    public ParserLimits withMaxLabelsPerSeries(int labels) {
        return new ParserLimits(maxBodyBytes, maxSeries, maxLabelNameLength, maxLabelValueLength, labels);
    }
}
