package dev.headroom.collectors.exposition;

/**
 * Bounds on what one payload may cost. Anything beyond them is an {@link ExpositionException} whose
 * {@link ExpositionException#exceedsLimit()} is true, so a broken or hostile endpoint costs bounded memory and time.
 *
 * <p>The defaults are sized for the sidecar's 48 MiB heap: the worst payload within all of them costs about
 * 17 MiB while it is read (the body, the kept samples and their strings, the family records) and under 3 MiB
 * between parses (the name table and the pooled family records); the table with the derivation is in
 * {@code src/docs/signals.md}, "Memory budget of one scrape". A real engine's payload is 10–200 KiB,
 * 100–5,000 series, under 200 families.
 *
 * @param maxBodyBytes        largest body accepted, in bytes (after decompression)
 * @param maxSeries           most sample lines in one body (counted for skipped families too)
 * @param maxLabelNameLength  longest label name, in bytes
 * @param maxLabelValueLength longest label value after unescaping, in bytes
 * @param maxLabelsPerSeries  most labels on one sample
 * @param maxLineBytes        longest line, in bytes (HELP text included)
 * @param maxFamilies         most distinct families (metric names) in one body
 */
public record ParserLimits(
        long maxBodyBytes, int maxSeries, int maxLabelNameLength, int maxLabelValueLength, int maxLabelsPerSeries,
        int maxLineBytes, int maxFamilies) {

    public static final long DEFAULT_MAX_BODY_BYTES = 4L * 1024 * 1024;
    public static final int DEFAULT_MAX_SERIES = 20_000;
    public static final int DEFAULT_MAX_LINE_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_FAMILIES = 10_000;

    /**
     * 4 MiB, 20,000 series, 1,024-byte label names, 16 KiB label values, 64 labels, 64 KiB lines, 10,000 families:
     * ten times any real engine's payload, and within the sidecar's heap with room to spare.
     */
    public static final ParserLimits DEFAULTS = new ParserLimits(DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_SERIES, 1024,
            16 * 1024, 64, DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_FAMILIES);

    /** Limits with the default line length and family count. */
    public ParserLimits(long maxBodyBytes, int maxSeries, int maxLabelNameLength, int maxLabelValueLength,
            int maxLabelsPerSeries) {
        this(maxBodyBytes, maxSeries, maxLabelNameLength, maxLabelValueLength, maxLabelsPerSeries,
                DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_FAMILIES);
    }

    public ParserLimits {
        requirePositive("maxLineBytes", maxLineBytes);
        requirePositive("maxFamilies", maxFamilies);
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
        return new ParserLimits(bytes, maxSeries, maxLabelNameLength, maxLabelValueLength, maxLabelsPerSeries,
                maxLineBytes, maxFamilies);
    }

    public ParserLimits withMaxSeries(int series) {
        return new ParserLimits(maxBodyBytes, series, maxLabelNameLength, maxLabelValueLength, maxLabelsPerSeries,
                maxLineBytes, maxFamilies);
    }

    public ParserLimits withMaxLabelValueLength(int bytes) {
        return new ParserLimits(maxBodyBytes, maxSeries, maxLabelNameLength, bytes, maxLabelsPerSeries,
                maxLineBytes, maxFamilies);
    }

    public ParserLimits withMaxLabelsPerSeries(int labels) {
        return new ParserLimits(maxBodyBytes, maxSeries, maxLabelNameLength, maxLabelValueLength, labels,
                maxLineBytes, maxFamilies);
    }

    public ParserLimits withMaxLineBytes(int bytes) {
        return new ParserLimits(maxBodyBytes, maxSeries, maxLabelNameLength, maxLabelValueLength, maxLabelsPerSeries,
                bytes, maxFamilies);
    }

    public ParserLimits withMaxFamilies(int families) {
        return new ParserLimits(maxBodyBytes, maxSeries, maxLabelNameLength, maxLabelValueLength, maxLabelsPerSeries,
                maxLineBytes, families);
    }
}
