package dev.headroom.autoscaler.loop;

/**
 * Reads and sets a target's replica count: the one thing {@link DecisionLoop} needs of whatever runs the
 * replicas. In a cluster that is the target's {@code scale} subresource ({@code KubernetesScaleActuator}); in
 * the evaluation a simulated cluster that always follows; in the demo the engines it starts on this machine.
 */
public interface ScaleActuator {

    /** The target's replicas now (in Kubernetes, its scale subresource's {@code spec.replicas}). */
    int currentReplicas(ScaleTarget target) throws ScaleException;

    /**
     * Sets the target's replicas to {@code replicas}.
     *
     * @return what happened: the count found and set, and how many tries it took
     */
    Scaled scale(ScaleTarget target, int replicas) throws ScaleException;

    /**
     * @param from     the count read just before the write that succeeded
     * @param to       the count written
     * @param attempts tries in all (1 when the first write succeeded)
     */
    record Scaled(int from, int to, int attempts) {
        public Scaled {
            if (from < 0 || to < 0) {
                throw new IllegalArgumentException("replica counts cannot be negative, got " + from + " → " + to);
            }
            if (attempts < 1) {
                throw new IllegalArgumentException("a scale takes at least one try, got " + attempts);
            }
        }
    }
}
