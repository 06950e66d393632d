package dev.headroom.evaluation;

import java.util.List;
import java.util.Optional;

/**
 * A whole evaluation: the scenario, the oracle's measured per-replica capacity and every policy's result, in
 * the order the policies were given.
 *
 * @param scenario           what was run
 * @param capacityPerReplica requests/s per replica in the oracle's busiest interval, at the count it needs there
 * @param peakReplicas       replicas the busiest interval needs (within {@code maxReplicas})
 * @param results            one per policy
 * @param wallSeconds        the whole evaluation, probe included
 * @param threads            policies simulated at once
 * @param oracle             how the oracle was planned and whether it is a reference for this scenario
 */
public record EvaluationResult(Scenario scenario, double capacityPerReplica, int peakReplicas,
        List<PolicyResult> results, double wallSeconds, int threads, OracleSummary oracle) {

    public EvaluationResult {
        results = List.copyOf(results);
        java.util.Objects.requireNonNull(oracle, "oracle");
    }

    /** A result without an oracle's account ({@link OracleSummary#NOT_COMPUTED}). */
    public EvaluationResult(Scenario scenario, double capacityPerReplica, int peakReplicas,
            List<PolicyResult> results, double wallSeconds, int threads) {
        this(scenario, capacityPerReplica, peakReplicas, results, wallSeconds, threads, OracleSummary.NOT_COMPUTED);
    }

    public Optional<PolicyResult> result(String name) {
        return results.stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
