package dev.headroom.simulator.capacity;

/**
 * Where a replica's GPU memory goes, as vLLM sizes its KV cache at start-up.
 *
 * @param kvBytesPerToken 2 × layers × KV heads × head dim × bytes
 * @param weightBytes     parameters × bytes
 * @param budgetBytes     total GPU memory × {@code gpu_memory_utilization}
 * @param reservedBytes   activations peak and CUDA graphs, all GPUs together
 * @param kvPoolBytes     budget − weights − reserved
 * @param kvTokens        ⌊pool ÷ KV bytes per token⌋, rounded down to whole blocks
 * @param kvBlocks        kvTokens ÷ block size ({@code num_gpu_blocks})
 */
public record MemoryPlan(long kvBytesPerToken, long weightBytes, long budgetBytes, long reservedBytes,
        long kvPoolBytes, long kvTokens, int kvBlocks) {
}
