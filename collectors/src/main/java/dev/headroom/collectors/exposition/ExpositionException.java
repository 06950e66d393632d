package dev.headroom.collectors.exposition;

/**
 * A payload the parser cannot read: where (1-based line and byte column) and what was expected there.
 * Checked on purpose: a bad engine payload is an outcome to count and report, not a crash.
 */
public final class ExpositionException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;
    private final String detail;
    private final boolean exceedsLimit;

    public ExpositionException(int line, int column, String detail) {
        this(line, column, detail, false);
    }

    /** @param exceedsLimit the payload broke one of the {@link ParserLimits}, rather than the format */
    public ExpositionException(int line, int column, String detail, boolean exceedsLimit) {
        super("line " + line + ", column " + column + ": " + detail, null, false, false);
        this.line = line;
        this.column = column;
        this.detail = detail;
        this.exceedsLimit = exceedsLimit;
    }

    /** Whether the payload is too large for a {@link ParserLimits} bound (a scrape counts it as too large). */
    public boolean exceedsLimit() {
        return exceedsLimit;
    }

    /** 1-based line number. */
    public int line() {
        return line;
    }

    /** 1-based byte column within the line. */
    public int column() {
        return column;
    }

    /** What was expected and what was found, without the position. */
    public String detail() {
        return detail;
    }
}
