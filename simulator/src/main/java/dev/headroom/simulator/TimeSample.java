package dev.headroom.simulator;

/**
 * The engine's state at one instant of a virtual-time run.
 *
 * @param kvCacheUsage              fraction of KV blocks in use
 * @param gpuUtilization            share of the preceding second in which a step executed
 * @param promptTokensPerSecond     prompt tokens counted over the preceding sample interval, per second
 * @param generationTokensPerSecond output tokens over the preceding sample interval, per second
 */
public record TimeSample(
        double timeSeconds,
        int running,
        int waiting,
        double kvCacheUsage,
        double gpuUtilization,
        double promptTokensPerSecond,
        double generationTokensPerSecond,
        long preemptionsTotal) {
}
