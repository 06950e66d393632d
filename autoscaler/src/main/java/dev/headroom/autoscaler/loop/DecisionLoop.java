package dev.headroom.autoscaler.loop;

import dev.headroom.autoscaler.policy.PolicySpec;
import dev.headroom.autoscaler.policy.ScalingDecision;
import dev.headroom.autoscaler.policy.ScalingPolicy;
import dev.headroom.autoscaler.policy.WorkloadSnapshot;

import java.util.Objects;
import java.util.Optional;

/**
 * One round of autoscaling, decide → scale → record, written once. The controller, the evaluation and the demo
 * all go through it; they differ only in the {@link ScaleActuator}, the clock behind the {@link ScalingPolicy}
 * and where the snapshot's reports come from. That is what lets the evaluation claim to run the production path:
 * the claim holds by construction, not by three copies kept alike by hand.
 *
 * <p>The rules, as the HPA's: the policy decides; the actuator is called only when the caller asks to act and the
 * decision changes the count; a scale that succeeded is recorded with {@link ScalingPolicy#recordScale} so that
 * the rate limits count it, and nothing is recorded after a failed scale, a held decision or a round that does
 * not act. A failed scale is a value in the {@link LoopOutcome}, never thrown: the caller explains it and decides
 * again next round.
 *
 * <p>Two things are inputs rather than work done here. Whether to act: the controller acts in {@code direct}
 * mode as the leader and only decides in {@code dry-run}, {@code external-metrics} and {@code keda} modes or as a
 * standby; the evaluation and the demo always act. And the current count: the caller reads it (the controller
 * before it polls any sidecar, so that an unreadable target costs no poll and is explained as such).
 *
 * <p>No state of its own, so as thread-safe as its policy and actuator; the controller runs one round per
 * workload at a time. A round costs the policy's arithmetic plus, when it acts, the actuator's write (in a
 * cluster, up to its retries).
 */
public final class DecisionLoop {

    private final ScalingPolicy policy;
    private final ScaleActuator actuator;

    public DecisionLoop(ScalingPolicy policy, ScaleActuator actuator) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.actuator = Objects.requireNonNull(actuator, "actuator");
    }

    /**
     * Decides {@code workload} now and, when {@code act} and the decision changes the count, scales
     * {@code target} and records the scale.
     *
     * @param workload the policy's key for the workload's history, e.g. {@code namespace/name}
     * @param target   what the actuator scales
     * @param spec     the workload's limits, targets and behaviour
     * @param current  the target's replicas as read for this round
     * @param snapshot its pods' reports, aggregated
     * @param act      whether this round may change the count (false: decide and explain only)
     */
    public LoopOutcome run(String workload, ScaleTarget target, PolicySpec spec, int current,
                           WorkloadSnapshot snapshot, boolean act) {
        return run(workload, target, spec, current, snapshot, act, VictimMarker.NONE);
    }

    /**
     * As {@link #run(String, ScaleTarget, PolicySpec, int, WorkloadSnapshot, boolean)}, and before a scale-in has
     * {@code marker} mark which replicas go first (the emptiest), so that the target removes those; the marks are
     * in the outcome, applied or not.
     */
    public LoopOutcome run(String workload, ScaleTarget target, PolicySpec spec, int current,
                           WorkloadSnapshot snapshot, boolean act, VictimMarker marker) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(marker, "marker");
        ScalingDecision decision = policy.decide(workload, spec, current, snapshot);
        if (!act || !decision.changes()) {
            return LoopOutcome.unchanged(decision, current);
        }
        // Marked before the write: the target's controller picks its victims as soon as it sees the lower count.
        Optional<ScaleInMarks> marks = decision.desired() < current
                ? Optional.of(marker.mark(target, current, decision.desired())) : Optional.empty();
        ScaleActuator.Scaled scaled;
        try {
            scaled = actuator.scale(target, decision.desired());
        } catch (ScaleException e) {
            return new LoopOutcome(decision, false, current, current, Optional.of(e.getMessage()), marks);
        }
        policy.recordScale(workload, spec, scaled.from(), scaled.to());
        return new LoopOutcome(decision, scaled.from() != scaled.to(), scaled.from(), scaled.to(), Optional.empty(),
                marks);
    }

    /** Drops what the policy remembers of {@code workload} (it was deleted). */
    public void forget(String workload) {
        policy.forget(workload);
    }
}
