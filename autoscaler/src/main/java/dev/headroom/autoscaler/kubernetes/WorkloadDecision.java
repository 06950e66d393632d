package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.loop.ScaleInMarks;
import dev.headroom.autoscaler.loop.ScaleTarget;
import dev.headroom.autoscaler.policy.PolicySpec;
import dev.headroom.autoscaler.policy.ScalingDecision;

import java.util.Objects;
import java.util.Optional;

/**
 * One workload's latest decision and what it was decided against.
 *
 * @param key             the workload (its {@code HeadroomPolicy})
 * @param target          the object it scales
 * @param mode            how the decision is acted on
 * @param spec            the policy's limits, targets and behaviour, as validated
 * @param currentReplicas the replicas the scale subresource had when deciding
 * @param decision        the decision, with every signal's inputs
 * @param acted           whether this controller changed the replica count on it (direct mode, as leader)
 * @param actionError     why acting failed, when it did (after the retries)
 * @param scaleIn         around a scale-in (made here, or served to an HPA or KEDA), which pods were marked to go
 *                        first and why
 */
public record WorkloadDecision(WorkloadKey key, ScaleTarget target, ScalingMode mode, PolicySpec spec,
                               int currentReplicas, ScalingDecision decision, boolean acted,
                               Optional<String> actionError, Optional<ScaleInMarks> scaleIn) {

    /** A decision without a scale-in to mark. */
    public WorkloadDecision(WorkloadKey key, ScaleTarget target, ScalingMode mode, PolicySpec spec,
                            int currentReplicas, ScalingDecision decision, boolean acted,
                            Optional<String> actionError) {
        this(key, target, mode, spec, currentReplicas, decision, acted, actionError, Optional.empty());
    }

    public WorkloadDecision {
        Objects.requireNonNull(scaleIn, "scaleIn");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(actionError, "actionError");
        if (currentReplicas < 0) {
            throw new IllegalArgumentException("current replicas cannot be negative, got " + currentReplicas);
        }
    }

    /** The replica count the policy asks for. */
    public int desiredReplicas() {
        return decision.desired();
    }
}
