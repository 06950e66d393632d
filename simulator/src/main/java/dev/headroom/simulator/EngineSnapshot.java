package dev.headroom.simulator;

/**
 * A consistent view of a running engine at one engine-time instant.
 *
 * @param gpuUtilization share of the last engine second in which a step executed ({@code nvidia-smi}'s view)
 * @param gpuMemoryUsedBytes what {@code nvidia-smi} would show as used: the pre-allocated share, always "full"
 */
public record EngineSnapshot(
        double engineSeconds,
        int running,
        int waiting,
        double kvCacheUsage,
        double gpuUtilization,
        long gpuMemoryUsedBytes,
        long gpuMemoryTotalBytes,
        long promptTokensTotal,
        long generationTokensTotal,
        long preemptionsTotal,
        long finishedTotal) {
}
