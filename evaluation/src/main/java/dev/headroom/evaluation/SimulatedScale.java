package dev.headroom.evaluation;

import dev.headroom.autoscaler.loop.DecisionLoop;
import dev.headroom.autoscaler.loop.ScaleActuator;
import dev.headroom.autoscaler.loop.ScaleTarget;
import dev.headroom.simulator.cluster.ClusterView;

/**
 * The evaluation's {@link ScaleActuator}: the simulated cluster takes whatever count a controller sets, at once
 * and without failing (a new replica's cold start is the cluster's business, not the write's). A controller
 * {@linkplain #read reads} the cluster's count at the start of each control tick, runs its {@link DecisionLoop}
 * round, and hands the cluster {@link #replicas()}: the count read, or the one the round wrote.
 *
 * <p>One per controller, used from that controller's thread only.
 */
final class SimulatedScale implements ScaleActuator {

    /** What the loop scales: the simulated workload, named as the controller would name a Deployment. */
    static final ScaleTarget TARGET = new ScaleTarget("apps/v1", "Deployment", "evaluation", "engine");

    private int replicas;

    /** Takes the cluster's count now (ready or starting); returns it. */
    int read(ClusterView view) {
        replicas = view.currentReplicas();
        return replicas;
    }

    /** The count to hand the cluster: what was read, or what a scale wrote since. */
    int replicas() {
        return replicas;
    }

    @Override
    public int currentReplicas(ScaleTarget target) {
        return replicas;
    }

    @Override
    public Scaled scale(ScaleTarget target, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("replicas cannot be negative, got " + count);
        }
        int from = replicas;
        replicas = count;
        return new Scaled(from, count, 1);
    }
}
