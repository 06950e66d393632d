package dev.headroom.simulator;

/**
 * What happened to one finished request, in engine seconds.
 *
 * @param firstScheduledSeconds when the scheduler first gave it a slot (end of its queue time)
 * @param firstTokenSeconds     when its first output token was produced
 * @param preemptions           how many times it was preempted and had to re-prefill
 */
public record RequestResult(
        long id,
        double arrivalSeconds,
        double firstScheduledSeconds,
        double firstTokenSeconds,
        double finishSeconds,
        int promptTokens,
        int outputTokens,
        int preemptions) {

    public RequestResult {
        if (!(arrivalSeconds <= firstScheduledSeconds && firstScheduledSeconds <= firstTokenSeconds
                && firstTokenSeconds <= finishSeconds)) {
            throw new IllegalArgumentException("RequestResult " + id + ": times must be ordered arrival <= scheduled"
                    + " <= first token <= finish, were " + arrivalSeconds + ", " + firstScheduledSeconds + ", "
                    + firstTokenSeconds + ", " + finishSeconds);
        }
    }

    /** Time spent waiting before first being scheduled. */
    public double queueSeconds() {
        return firstScheduledSeconds - arrivalSeconds;
    }

    /** Time to first token, from arrival. */
    public double ttftSeconds() {
        return firstTokenSeconds - arrivalSeconds;
    }

    /** End-to-end latency, from arrival to the last token. */
    public double e2eSeconds() {
        return finishSeconds - arrivalSeconds;
    }

    /** Mean inter-token latency; NaN (unknown, not zero) for a single-token output, which has no gap. */
    public double meanItlSeconds() {
        return outputTokens > 1 ? (finishSeconds - firstTokenSeconds) / (outputTokens - 1) : Double.NaN;
    }
}
