package dev.headroom.autoscaler.policy;

import dev.headroom.signals.Signal;

import java.time.Instant;
import java.util.Objects;

/**
 * What a {@link PolicyRule} is told about one decision.
 *
 * @param spec            the workload's limits, targets and behaviour
 * @param snapshot        its pods' reports, aggregated
 * @param currentReplicas the replicas it has now
 * @param now             the instant of the decision, from the policy's clock
 */
public record RuleContext(PolicySpec spec, WorkloadSnapshot snapshot, int currentReplicas, Instant now) {

    public RuleContext {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(now, "now");
        if (currentReplicas < 0) {
            throw new IllegalArgumentException("current replicas cannot be negative, got " + currentReplicas);
        }
    }

    /**
     * What {@code signal} proposes against {@code target} under the HPA's arithmetic and the spec's behaviour:
     * the input the core would have made had the target been in the spec.
     */
    public SignalInput evaluate(Signal signal, double target) {
        return ReplicaCalculator.evaluate(signal, target, snapshot, currentReplicas, spec.behavior());
    }
}
