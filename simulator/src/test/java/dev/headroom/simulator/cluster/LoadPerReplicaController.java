package dev.headroom.simulator.cluster;

/**
 * A test baseline on the engines' raw counts: as many replicas as keep requests held (running + waiting)
 * per replica at or under a target, the KEDA setup on a queue metric.
 */
final class LoadPerReplicaController implements ReplicaController {

    private final int targetPerReplica;
    int maxSeen;

    LoadPerReplicaController(int targetPerReplica) {
        this.targetPerReplica = targetPerReplica;
    }

    @Override
    public int desiredReplicas(ClusterView view) {
        int load = view.pendingRequests();
        for (ReplicaView r : view.replicas()) {
            load += r.runningRequests() + r.waitingRequests();
        }
        int desired = Math.max(1, (load + targetPerReplica - 1) / targetPerReplica);
        // Never below what is already on its way: a starting replica is capacity coming, not idle.
        int starting = view.currentReplicas() - view.readyReplicas();
        desired = Math.max(desired, view.readyReplicas() > 0 && starting > 0 ? view.currentReplicas() : desired);
        maxSeen = Math.max(maxSeen, desired);
        return desired;
    }
}
