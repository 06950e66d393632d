package dev.headroom.simulator.capacity;

/**
 * How much one replica can serve of a workload, from the arithmetic in {@link CapacityEstimator}.
 *
 * @param kvTokens             KV cache capacity in tokens
 * @param heldTokensPerRequest KV a running request holds on average over its life: prompt + output ÷ 2 +
 *                             half a block of rounding
 * @param kvConcurrency        kvTokens ÷ heldTokensPerRequest: requests the cache holds at once
 * @param budgetConcurrency    running requests the per-step token budget can keep fed
 * @param concurrency          the least of kvConcurrency, budgetConcurrency and {@code max_num_seqs}
 * @param limitedBy            which of the three it is
 * @param stepSeconds          the mean step at saturation
 * @param requestsPerSecond    the sustainable rate: beyond it the queue grows without bound
 * @param outputTokensPerSecond requestsPerSecond × mean output tokens
 */
public record CapacityEstimate(long kvTokens, double heldTokensPerRequest, double kvConcurrency,
        double budgetConcurrency, double concurrency, Limit limitedBy, double stepSeconds, double requestsPerSecond,
        double outputTokensPerSecond) {

    /** What caps the running batch at saturation. */
    public enum Limit {
        /** The KV cache is full: more requests would be preempted. */
        KV_CACHE,
        /** {@code max_num_seqs} running sequences. */
        MAX_NUM_SEQS,
        /** {@code max_num_batched_tokens} per step cannot prefill arrivals fast enough for a larger batch. */
        TOKEN_BUDGET
    }
}
