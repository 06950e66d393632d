package dev.headroom.simulator.cluster;

/**
 * The seam between the simulated cluster and whatever scales it: the cluster plays the scraper and the
 * actuator, the controller the sidecars and the policy. At each scrape tick the controller may
 * {@link #observe} every replica as a sidecar would (its {@code /metrics} text and GPU utilisation); at each
 * control tick it answers how many replicas it wants, and the cluster starts or drains replicas to match,
 * clamped to {@code [minReplicas, maxReplicas]}. When both ticks fall at the same instant, {@code observe}
 * comes first.
 *
 * <p>A {@link ClusterView} is valid only during the call that receives it: it reads live engines, and using
 * it afterwards throws. Copy what must outlive the call (the exposition text is a {@code String}).
 */
@FunctionalInterface
public interface ReplicaController {

    /** The replica count wanted now (the scale subresource's {@code spec.replicas}). */
    int desiredReplicas(ClusterView view);

    /**
     * The {@code pod-deletion-cost} the controller has put on replicas, by replica name, read by the cluster right
     * after each {@link #desiredReplicas} (a controller marks before it scales in). A scale-in removes replicas not
     * ready first, then the lowest cost, then Kubernetes' default order; a replica not named costs 0, as a pod
     * without the annotation. The default sets none: Kubernetes' order alone.
     */
    default java.util.Map<String, Integer> deletionCosts() {
        return java.util.Map.of();
    }

    /** One scrape tick's view; the default ignores it. */
    default void observe(ClusterView view) {
    }
}
