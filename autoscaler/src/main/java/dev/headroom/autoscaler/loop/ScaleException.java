package dev.headroom.autoscaler.loop;

/**
 * Reading or writing a target's scale failed for good (after retries, or at once for a client error). Thrown by
 * a {@link ScaleActuator}; {@link DecisionLoop} turns it into a value ({@link LoopOutcome#actionError()}).
 */
public final class ScaleException extends Exception {

    /** Why. */
    public enum Kind {
        /** The target (or its scale subresource) does not exist. */
        NOT_FOUND,
        /** Refused: forbidden, invalid, or another client error that a retry would not fix. */
        REJECTED,
        /** Server errors, conflicts or an unreachable server, every try used up. */
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
