package dev.headroom.autoscaler.policy;

import dev.headroom.signals.Signal;

/**
 * Which signals may vote for fewer replicas.
 *
 * <p>The HPA's formula {@code ceil(pods × usage / target)} assumes that usage grows with load, so that a
 * reading at half the target means half the replicas would do. That holds for signals that measure how much
 * of a replica's capacity is in use (KV-cache utilisation, running requests, request and token rates, the
 * arrival rate). It does not hold for <em>alarm</em> signals: the queue, queue time, latency quantiles, the
 * mean ITL and preemptions sit at their floor (0 waiting, one scheduler step of ITL, a prefill of TTFT)
 * whenever a replica has any spare capacity at all, however little. A reading of 0 waiting requests says
 * "not full", never "how far from full"; fed to the formula it proposes the minimum. Under
 * {@link #LOAD_SIGNALS}, alarm signals vote only to scale up, and above their target they ask for the measured
 * demand or one step, not for their ratio's count ({@link AlarmRule}); at or below it they abstain
 * ({@link SignalOutcome#QUIET}). With no load signal voting, the recommendation is the current count.
 */
public enum ScaleDownVoting {
    /** The HPA's rule: every targeted signal votes in both directions, with the HPA's arithmetic. */
    EVERY_SIGNAL,
    /**
     * Headroom's default: only load signals vote for fewer replicas; alarm signals vote only for more, a step
     * (or the measured demand) at a time.
     */
    LOAD_SIGNALS;

    /**
     * Whether {@code signal} only says "too much" (its reading carries no "how much room is left"): queue,
     * queue-time, TTFT, ITL and E2E quantiles, the mean ITL, preemptions. The arrival rate is a load signal:
     * it is proportional to the offered load, past a replica's capacity too.
     */
    public static boolean isAlarm(Signal signal) {
        return switch (signal) {
            case QUEUE, PREEMPTIONS_PS, TTFT_P50, TTFT_P95, ITL_P50, ITL_P95, ITL_MEAN, E2E_P50, E2E_P95,
                 QUEUE_TIME_P50, QUEUE_TIME_P95 -> true;
            case RUNNING, KV_UTILIZATION, KV_CAPACITY_TOKENS, PROMPT_TPS, GENERATION_TPS, REQUESTS_PS,
                 ARRIVALS_PS -> false;
        };
    }

    /** Whether {@code signal} may propose fewer replicas than the current count under this rule. */
    public boolean mayVoteDown(Signal signal) {
        return this == EVERY_SIGNAL || !isAlarm(signal);
    }
}
