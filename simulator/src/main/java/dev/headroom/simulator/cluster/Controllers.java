package dev.headroom.simulator.cluster;

/** Controllers that need no signals. */
public final class Controllers {

    private Controllers() {
    }

    /** Always {@code replicas}: static provisioning. */
    public static ReplicaController fixed(int replicas) {
        if (replicas < 1) {
            throw new IllegalArgumentException("a fixed controller needs >= 1 replica, was " + replicas);
        }
        return view -> replicas;
    }
}
