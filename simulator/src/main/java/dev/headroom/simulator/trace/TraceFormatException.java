package dev.headroom.simulator.trace;

/**
 * A trace row that cannot be read: where it is (source, 1-based line, the field by name and, for CSV, its
 * 1-based column) and what was expected.
 */
public final class TraceFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final String field;
    private final String detail;

    public TraceFormatException(String source, int line, String field, String detail) {
        super(source + ": line " + line + (field == null ? "" : ", " + field) + ": " + detail, null, false, false);
        this.source = source;
        this.line = line;
        this.field = field;
        this.detail = detail;
    }

    /** The file or stream name the reader was given. */
    public String source() {
        return source;
    }

    /** 1-based line number. */
    public int line() {
        return line;
    }

    /** The field, e.g. {@code column 2 (ContextTokens)} or {@code field "input_length"}; null for a whole-line error. */
    public String field() {
        return field;
    }

    /** What was expected and what was found, without the position. */
    public String detail() {
        return detail;
    }
}
