package dev.headroom.autoscaler.policy;

/** What one signal said in one decision. */
public enum SignalOutcome {
    /** It proposes a replica count different from the current one. */
    PROPOSED,
    /**
     * A summed load signal whose trend, carried ahead by the policy's {@link LoadForecast}, asks for more
     * replicas than its reading does: it proposes the fewest replicas that keep the forecast within the
     * scale-up tolerance of its target ({@link SignalInput#forecast()} holds the forecast total).
     */
    FORECAST,
    /**
     * An alarm signal above its target under {@link ScaleDownVoting#LOAD_SIGNALS}: it asks for one step more
     * (one replica, or a tenth of the current count if that is more), not for its ratio's count: a queue or a
     * latency says the replicas are full, not by how much.
     */
    STEPPED,
    /**
     * An alarm signal above its target while replicas are still starting under
     * {@link ScaleDownVoting#LOAD_SIGNALS}: they are the step it asked for; it proposes the current count.
     */
    HELD_STARTING,
    /**
     * An alarm signal above its target under {@link ScaleDownVoting#LOAD_SIGNALS} while every ready pod reports
     * its arrivals and finished requests: the replicas are full, so what they finish is what one replica can
     * serve, and it proposes {@code ceil(pods × arrivals / finished)} when that is more than the current count.
     */
    MEASURED_DEMAND,
    /**
     * An alarm signal above its target under {@link ScaleDownVoting#LOAD_SIGNALS} while some ready pod has nothing
     * waiting: arriving requests start there at once, and a backlog other pods hold is not one a new replica would
     * serve; it proposes the current count.
     */
    HELD_WITH_ROOM,
    /**
     * A summed load signal that asked for fewer replicas while the load's own recent history says it returns
     * higher before a replica released now could be back ({@link BurstRule}): it proposes the fewest replicas
     * that peak needs, never more than the current count.
     */
    HELD_FOR_BURST,
    /**
     * A summed load signal raised to keep ready the rise its load has shown within one cold start
     * ({@link RiseReserveRule}): it proposes the replicas that the load now plus that rise needs.
     */
    RESERVED_FOR_RISE,
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
