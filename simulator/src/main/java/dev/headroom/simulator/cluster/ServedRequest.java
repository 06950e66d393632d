package dev.headroom.simulator.cluster;

/**
 * One request's fate in the cluster, in virtual seconds.
 *
 * @param id                    the request's own id (from the input list)
 * @param replica               the replica that served it
 * @param arrivalSeconds        when it reached the cluster
 * @param dispatchSeconds       when the balancer handed it to a replica (later than arrival only when no
 *                              replica was ready)
 * @param firstScheduledSeconds when the engine first scheduled it
 * @param firstTokenSeconds     when its first output token was produced
 * @param finishSeconds         when its last token was produced
 * @param preemptions           times it was preempted and re-prefilled
 */
public record ServedRequest(
        long id,
        int replica,
        double arrivalSeconds,
        double dispatchSeconds,
        double firstScheduledSeconds,
        double firstTokenSeconds,
        double finishSeconds,
        int promptTokens,
        int outputTokens,
        int preemptions) {

    public ServedRequest {
        if (!(arrivalSeconds <= dispatchSeconds && dispatchSeconds <= firstScheduledSeconds
                && firstScheduledSeconds <= firstTokenSeconds && firstTokenSeconds <= finishSeconds)) {
            throw new IllegalArgumentException("ServedRequest " + id + ": times must be ordered arrival <= dispatch"
                    + " <= scheduled <= first token <= finish, were " + arrivalSeconds + ", " + dispatchSeconds + ", "
                    + firstScheduledSeconds + ", " + firstTokenSeconds + ", " + finishSeconds);
        }
    }

    /** Time to first token from arrival at the cluster (balancer wait included). */
    public double ttftSeconds() {
        return firstTokenSeconds - arrivalSeconds;
    }

    public double e2eSeconds() {
        return finishSeconds - arrivalSeconds;
    }

    /** Mean inter-token latency (time per output token); NaN (unknown) for a one-token output. */
    public double meanItlSeconds() {
        return outputTokens > 1 ? (finishSeconds - firstTokenSeconds) / (outputTokens - 1) : Double.NaN;
    }
}
