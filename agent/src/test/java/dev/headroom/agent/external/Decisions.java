package dev.headroom.agent.external;

import dev.headroom.autoscaler.kubernetes.DecisionBook;
import dev.headroom.autoscaler.loop.ScaleTarget;
import dev.headroom.autoscaler.kubernetes.WorkloadDecision;
import dev.headroom.autoscaler.kubernetes.WorkloadKey;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.policy.DecisionReason;
import dev.headroom.autoscaler.policy.PolicySpec;
import dev.headroom.autoscaler.policy.ScalingDecision;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A decision book tests fill by hand, and decisions as the controller records them. */
public class Decisions implements DecisionBook {

    private final Map<WorkloadKey, WorkloadDecision> latest = new ConcurrentHashMap<>();

    @Override
    public Optional<WorkloadDecision> latest(String namespace, String name) {
        return Optional.ofNullable(latest.get(new WorkloadKey(namespace, name)));
    }

    @Override
    public Collection<WorkloadDecision> all() {
        return latest.values().stream().sorted((a, b) -> a.key().compareTo(b.key())).toList();
    }

    public void put(WorkloadDecision d) {
        latest.put(d.key(), d);
    }

    public void clear() {
        latest.clear();
    }

    /** A decision of {@code namespace/name} at {@code at}: {@code current → desired} (recommended = desired). */
    public static WorkloadDecision decision(String namespace, String name, ScalingMode mode, Instant at, int current,
                                            int desired, DecisionReason reason) {
        return decision(namespace, name, mode, at, current, desired, desired, reason);
    }

    public static WorkloadDecision decision(String namespace, String name, ScalingMode mode, Instant at, int current,
                                            int recommended, int desired, DecisionReason reason) {
        ScalingDecision d = new ScalingDecision(name, at, current, recommended, recommended, desired, reason,
                Optional.empty(), List.of(), current, 0, 0, reason.name().toLowerCase() + " " + current + " → " + desired);
        return new WorkloadDecision(new WorkloadKey(namespace, name),
                new ScaleTarget("apps/v1", "Deployment", namespace, name), mode, PolicySpec.of(0, 20), current, d,
                false, Optional.empty());
    }
}
