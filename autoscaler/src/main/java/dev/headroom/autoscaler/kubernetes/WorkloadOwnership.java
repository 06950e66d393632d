package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicy;

import java.util.ArrayList;
import java.util.List;

/**
 * Which workloads this controller decides. One controller (or a leader and its standbys) decides them all
 * ({@link #ALL}); sharded controllers each decide the workloads of the shards they hold ({@link ShardedLeases}).
 * The controller asks before its tick: a workload it does not own is not polled, decided or served.
 */
@FunctionalInterface
public interface WorkloadOwnership {

    /** Whether this controller decides {@code key} now. */
    boolean owns(WorkloadKey key);

    /** The policies of {@code all} that this controller decides now, in their order. */
    default List<HeadroomPolicy> mine(List<HeadroomPolicy> all) {
        List<HeadroomPolicy> mine = new ArrayList<>(all.size());
        for (HeadroomPolicy p : all) {
            if (owns(WorkloadKey.of(p))) {
                mine.add(p);
            }
        }
        return mine;
    }

    /** Every workload: one controller, or a leader with standbys. */
    WorkloadOwnership ALL = key -> true;
}
