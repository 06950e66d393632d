package dev.headroom.evaluation;

import java.util.List;
import java.util.Optional;

/**
 * A whole evaluation: the scenario, the oracle's measured per-replica capacity and every policy's result, in
 * the order the policies were given.
 *
 * @param scenario           what was run
 * @param capacityPerReplica requests/s one replica serves within the SLO (the oracle's probe)
 * @param peakReplicas       replicas the busiest interval needs at that capacity
 * @param results            one per policy
 * @param wallSeconds        the whole evaluation, probe included
 * @param threads            policies simulated at once
 */
public record EvaluationResult(Scenario scenario, double capacityPerReplica, int peakReplicas,
        List<PolicyResult> results, double wallSeconds, int threads) {

    public EvaluationResult {
        results = List.copyOf(results);
    }

    public Optional<PolicyResult> result(String name) {
        return results.stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
