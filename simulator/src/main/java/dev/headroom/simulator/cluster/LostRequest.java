package dev.headroom.simulator.cluster;

/**
 * A request a scale-in failed: its replica was scaled away and the grace period ended before it finished.
 *
 * @param id             the request's own id (from the input list)
 * @param replica        the replica that held it
 * @param arrivalSeconds when it reached the cluster
 * @param cutSeconds     when its replica stopped
 * @param generated      output tokens it had streamed by then (0: it never got its first token)
 * @param outputTokens   output tokens it asked for
 */
public record LostRequest(long id, int replica, double arrivalSeconds, double cutSeconds, int generated,
                          int outputTokens) {

    public LostRequest {
        if (!(arrivalSeconds <= cutSeconds)) {
            throw new IllegalArgumentException("LostRequest " + id + ": cut at " + cutSeconds + " before its arrival at "
                    + arrivalSeconds);
        }
        if (generated < 0 || generated >= outputTokens) {
            throw new IllegalArgumentException("LostRequest " + id + ": generated " + generated + " of "
                    + outputTokens + " tokens; a lost request has 0 or more and not all");
        }
    }

    /** Whether its response stream was cut off mid-generation (else it failed before its first token). */
    public boolean cutOff() {
        return generated > 0;
    }
}
