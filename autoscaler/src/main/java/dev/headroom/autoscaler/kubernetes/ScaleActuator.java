package dev.headroom.autoscaler.kubernetes;

/** Reads and sets a target's replicas through its {@code scale} subresource. */
public interface ScaleActuator {

    /** The target's replicas as its scale subresource says ({@code spec.replicas}). */
    int currentReplicas(ScaleTarget target) throws ScaleException;

    /**
     * Sets the target's replicas to {@code replicas}.
     *
     * @return what happened: the count found and set, and how many tries it took
     */
    Scaled scale(ScaleTarget target, int replicas) throws ScaleException;

    /**
     * @param from     {@code spec.replicas} read just before the write that succeeded
     * @param to       the count written
     * @param attempts tries in all (1 when the first write succeeded)
     */
    record Scaled(int from, int to, int attempts) {
    }
}
