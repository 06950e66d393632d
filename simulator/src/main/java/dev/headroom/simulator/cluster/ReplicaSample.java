package dev.headroom.simulator.cluster;

/**
 * One replica at one control tick.
 *
 * @param gpuUtilization busy share of the last second; NaN while starting (nothing to measure)
 */
public record ReplicaSample(int replica, ReplicaPhase phase, int running, int waiting, double kvCacheUsage,
        double gpuUtilization) {
}
