package dev.headroom.simulator.trace;

/**
 * One request of a trace as recorded: when it arrived and its token counts.
 *
 * @param line         the 1-based line it was read from, for messages about it later
 * @param timeNanos    arrival time in nanoseconds on the trace's own clock (epoch for CSV date-times,
 *                     the {@code timestamp} milliseconds × 10⁶ for JSONL); only differences matter
 * @param promptTokens prompt (context) tokens, ≥ 0
 * @param outputTokens generated tokens, ≥ 0
 */
public record TraceRecord(int line, long timeNanos, int promptTokens, int outputTokens) {

    public TraceRecord {
        if (promptTokens < 0 || outputTokens < 0) {
            throw new IllegalArgumentException("TraceRecord at line " + line + ": token counts must be >= 0, were "
                    + promptTokens + " and " + outputTokens);
        }
    }
}
