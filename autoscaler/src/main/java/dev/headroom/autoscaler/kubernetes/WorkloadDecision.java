package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
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
 */
public record WorkloadDecision(WorkloadKey key, ScaleTarget target, ScalingMode mode, PolicySpec spec,
                               int currentReplicas, ScalingDecision decision, boolean acted,
                               Optional<String> actionError) {

    public WorkloadDecision {
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
