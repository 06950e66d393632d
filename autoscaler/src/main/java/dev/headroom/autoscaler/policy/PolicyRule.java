package dev.headroom.autoscaler.policy;

import java.util.List;

/**
 * One of Headroom's rules beside the HPA's algorithm: it adjusts the signals' inputs after the HPA's
 * per-signal arithmetic ({@link ReplicaCalculator}) and before the maximum over them, stabilisation and rate
 * limits ({@link HpaCompatiblePolicy}). An alarm that asks for one step instead of its ratio's count, a target
 * learned from the workload, a load carried ahead along its trend: each is one rule, so that the core stays
 * the HPA's and a new rule is a new class given to it, not a new field in it.
 *
 * <p>State: a rule that remembers something per workload says what in {@link #newState()}. The core makes one
 * state per workload the first time it decides on it, hands it back to every later {@link #apply} for that
 * workload under the workload's lock (so a state needs no locking of its own), and drops it with the rest of
 * the workload on {@link ScalingPolicy#forget}. A state must stay bounded however long the workload lives. A
 * rule object itself holds nothing per workload and may serve several policies; it is called concurrently for
 * different workloads, so anything it holds outside the state must be immutable.
 *
 * <p>Text: a rule writes no message. What it did is in the {@link SignalInput}s it leaves (an outcome such
 * as {@link SignalOutcome#STEPPED}, a forecast), and {@link DecisionText} says it.
 *
 * @param <S> the per-workload state; {@link Void} (and a {@code null} state) for a rule that keeps none
 */
public interface PolicyRule<S> {

    /** A fresh state for one workload; {@code null} for a rule that keeps none. */
    default S newState() {
        return null;
    }

    /**
     * Adjusts {@code inputs} for one decision: replaces an input (by index, keeping the order), or adds one
     * (at the end). The list holds one input per targeted signal in {@link dev.headroom.signals.Signal} order,
     * then what earlier rules added; rules run in the order the policy was given them.
     *
     * @param context what the decision is about: spec, snapshot, current count, instant
     * @param state   this workload's state, as {@link #newState()} made it and earlier calls left it
     * @param inputs  the decision's inputs so far, to change in place
     */
    void apply(RuleContext context, S state, List<SignalInput> inputs);
}
