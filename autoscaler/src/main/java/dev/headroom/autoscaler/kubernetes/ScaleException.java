package dev.headroom.autoscaler.kubernetes;

/** Reading or writing a target's scale failed for good (after retries, or at once for a client error). */
public final class ScaleException extends Exception {

    /** Why. */
    public enum Kind {
        /** The target (or its scale subresource) does not exist. */
        NOT_FOUND,
        /** The API server refused: forbidden, invalid, or another client error that a retry would not fix. */
        REJECTED,
        /** Server errors, conflicts or an unreachable API server, every try used up. */
        RETRIES_EXHAUSTED,
        /** Interrupted while waiting to retry. */
        INTERRUPTED
    }

    private final Kind kind;
    private final int attempts;

    public ScaleException(Kind kind, int attempts, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.attempts = attempts;
    }

    public Kind kind() {
        return kind;
    }

    /** How many tries were made. */
    public int attempts() {
        return attempts;
    }
}
