package dev.headroom.autoscaler.policy;

/** What one signal said in one decision. */
public enum SignalOutcome {
    /** It proposes a replica count different from the current one. */
    PROPOSED,
    /** Its usage ratio is within the tolerance (or the change would flip direction): it proposes the current count. */
    WITHIN_TOLERANCE,
    /** It would scale down but some ready pod's data is missing or stale: it proposes the current count. */
    HELD_MISSING_DATA,
    /**
     * An alarm signal (the queue, a latency) at or below its target: it has data but does not vote, because
     * its reading says nothing about how many fewer replicas would do ({@link ScaleDownVoting#LOAD_SIGNALS}).
     */
    QUIET,
    /** No ready pod reported it fresh: it does not vote. */
    NO_DATA
}
