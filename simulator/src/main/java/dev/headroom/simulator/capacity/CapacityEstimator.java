package dev.headroom.simulator.capacity;

import dev.headroom.simulator.EngineConfig;

/**
 * The closed-form capacity of one replica, from its KV cache, its scheduler limits and its step-time model
 * {@code step = f + a·decode + b·prefill + c·context} ({@link EngineConfig#stepSeconds}). With mean prompt {@code P} and
 * mean output {@code O} tokens:
 *
 * <ol>
 *   <li><b>Concurrency.</b> A running request holds {@code P + g} tokens of KV after its {@code g}-th output
 *       token; over its decode that averages {@code P + O/2}, plus half a block lost to rounding. The cache
 *       holds {@code C_kv = kvTokens ÷ (P + O/2 + B/2)} such requests. Each step computes one token per
 *       running request plus prefill for newcomers; at rate λ and step d that is {@code λ·d·(P + O − 1)}
 *       tokens, and since {@code λ·d = C ÷ O} (below), the budget {@code N} keeps at most
 *       {@code C_budget = N·O ÷ (P + O − 1)} running. {@code C = min(C_kv, C_budget, max_num_seqs)}.</li>
 *   <li><b>Work per request.</b> {@code P + O − 1} computed tokens (the prefill yields the first output
 *       token; each further one is a decode step), and context read {@code P + (O − 1)·(P + O/2)} (the
 *       prefill reads its prompt; decode step {@code g} reads {@code P + g}).</li>
 *   <li><b>Steps.</b> At saturation C requests run and each step yields one token for each, so the engine
 *       takes {@code λ·O ÷ C} steps per second, each paying {@code f}.</li>
 *   <li><b>Rate.</b> One second of engine time is all spent:
 *       {@code 1 = λ·O·f ÷ C + b·λ·P + a·λ·(O − 1) + c·λ·(P + (O − 1)(P + O/2))}, so
 *       {@code λ = 1 ÷ (O·f ÷ C + b·P + a·(O − 1) + c·(P + (O − 1)(P + O/2)))}.</li>
 * </ol>
 * Below λ the batch is smaller and steps shorter; the queue stays bounded. Above it, the batch cannot grow
 * and the queue grows without bound. {@code src/docs/capacity.md} has the working and its check against the
 * simulator.
 */
public final class CapacityEstimator {

    private CapacityEstimator() {
    }

    /** The estimate for a deployment: its KV cache from memory, its step costs from the hardware. */
    public static CapacityEstimate estimate(Deployment deployment, WorkloadShape workload) {
        return estimate(deployment.engineConfig(), workload);
    }

    /** The estimate for an engine as configured (its KV blocks, limits and step costs). */
    public static CapacityEstimate estimate(EngineConfig engine, WorkloadShape workload) {
        double p = workload.meanPromptTokens();
        double o = workload.meanOutputTokens();
        long kvTokens = engine.kvCapacityTokens();
        double held = p + o / 2 + engine.blockSize() / 2.0;
        double kvConcurrency = kvTokens / held;
        double computed = p + o - 1;
        double budgetConcurrency = engine.maxNumBatchedTokens() * o / computed;
        double c = engine.maxNumSeqs();
        CapacityEstimate.Limit limit = CapacityEstimate.Limit.MAX_NUM_SEQS;
        if (kvConcurrency < c) {
            c = kvConcurrency;
            limit = CapacityEstimate.Limit.KV_CACHE;
        }
        if (budgetConcurrency < c) {
            c = budgetConcurrency;
            limit = CapacityEstimate.Limit.TOKEN_BUDGET;
        }
        double context = p + (o - 1) * (p + o / 2);
        double secondsPerRequest = o * engine.stepFixedSeconds() / c + engine.perPrefillTokenSeconds() * p
                + engine.perBatchedTokenSeconds() * (o - 1) + engine.perContextTokenSeconds() * context;
        double rate = 1 / secondsPerRequest;
        double step = c / (rate * o);
        return new CapacityEstimate(kvTokens, held, kvConcurrency, budgetConcurrency, c, limit, step, rate, rate * o);
    }
}
