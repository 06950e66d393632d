package dev.headroom.autoscaler.policy;

import dev.headroom.signals.Signal;

/**
 * How one signal's per-replica values combine into a workload value.
 *
 * <p>Whatever the aggregation, the policy compares the <em>per-replica mean</em> with the per-replica target,
 * which is what the HPA does for a {@code Pods} metric with an {@code AverageValue} target
 * ({@code GetMetricUsageRatio}: total ÷ pods ÷ target). The aggregation only decides which number stands
 * for the workload in decisions and in the external metric: the total, for load that adds up across
 * replicas, or the mean, for a ratio or a latency that does not.
 */
public enum Aggregation {
    /**
     * Additive load: queue, running requests, token and request rates (finished and arriving). The workload
     * value is the total.
     */
    SUM,
    /** A ratio or a latency: KV-cache utilisation, TTFT/ITL/E2E/queue-time quantiles, the mean ITL. The mean. */
    MEAN;

    /** The aggregation of {@code signal} (see {@code src/docs/policy.md} for why each). */
    public static Aggregation of(Signal signal) {
        return switch (signal) {
            case QUEUE, RUNNING, KV_CAPACITY_TOKENS, PROMPT_TPS, GENERATION_TPS, PREEMPTIONS_PS, REQUESTS_PS,
                 ARRIVALS_PS -> SUM;
            case KV_UTILIZATION, TTFT_P50, TTFT_P95, ITL_P50, ITL_P95, ITL_MEAN, E2E_P50, E2E_P95, QUEUE_TIME_P50,
                 QUEUE_TIME_P95 -> MEAN;
        };
    }
}
