package dev.headroom.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A whole suite: every (scenario, seed) unit, in scenario then seed order, and their reduction to one row per
 * scenario and policy.
 *
 * @param scenarios   what ran, in report order
 * @param seeds       the seeds each scenario ran with
 * @param units       one per scenario and seed, in that order
 * @param wallSeconds the whole suite
 * @param threads     units run at once
 */
public record SuiteResult(List<SuiteScenario> scenarios, List<Long> seeds, List<Unit> units, double wallSeconds,
                          int threads) {

    public SuiteResult {
        scenarios = List.copyOf(scenarios);
        seeds = List.copyOf(seeds);
        units = List.copyOf(units);
    }

    /**
     * One scenario with one seed.
     *
     * @param scenario           its name
     * @param seed               the seed
     * @param requests           requests offered
     * @param riseWithinColdStart the load's largest rise within one cold start, as a share of its peak
     *                           ({@link Suite#riseWithinColdStart})
     * @param capacityPerReplica the oracle's measured requests/s per replica within the SLO; NaN if it failed
     * @param peakReplicas       replicas the busiest interval needs; 0 if the oracle failed
     * @param results            one per policy of the field, in its order
     * @param notes              what the field left out, and why
     * @param failure            why the unit did not run, if it did not
     * @param wallSeconds        its wall time
     */
    public record Unit(String scenario, long seed, int requests, double riseWithinColdStart,
                       double capacityPerReplica, int peakReplicas, List<PolicyResult> results, List<String> notes,
                       Optional<String> failure, double wallSeconds) {

        public Unit {
            Objects.requireNonNull(scenario, "scenario");
            results = List.copyOf(results);
            notes = List.copyOf(notes);
            Objects.requireNonNull(failure, "failure");
        }

        static Unit failed(String scenario, long seed, int requests, double rise, String why, double wall) {
            return new Unit(scenario, seed, requests, rise, Double.NaN, 0, List.of(), List.of(), Optional.of(why),
                    wall);
        }

        public Optional<PolicyResult> result(String policy) {
            return results.stream().filter(r -> r.name().equals(policy)).findFirst();
        }
    }

    /**
     * One policy on one scenario, over the seeds it ran with.
     *
     * @param seeds         seeds with a result
     * @param sloMean       mean SLO attainment (a fraction)
     * @param sloMin        the lowest
     * @param gpuHoursMean  mean billed GPU-hours
     * @param vsOracleMean  mean of the per-seed ratios to the oracle's GPU-hours; NaN without an oracle
     * @param vsOracleMin   the lowest ratio
     * @param vsOracleMax   the highest ratio
     */
    public record Row(String scenario, String policy, int seeds, double sloMean, double sloMin, double gpuHoursMean,
                      double vsOracleMean, double vsOracleMin, double vsOracleMax) {
    }

    /** The units of {@code scenario}, in seed order. */
    public List<Unit> units(String scenario) {
        return units.stream().filter(u -> u.scenario().equals(scenario)).toList();
    }

    /** One row per scenario and policy, in scenario order and the field's order. */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (SuiteScenario s : scenarios) {
            List<Unit> mine = units(s.name());
            List<String> policies = new ArrayList<>();
            for (Unit u : mine) {
                for (PolicyResult r : u.results()) {
                    if (!policies.contains(r.name())) {
                        policies.add(r.name());
                    }
                }
            }
            for (String policy : policies) {
                int n = 0;
                int ratios = 0;
                double slo = 0;
                double sloMin = Double.POSITIVE_INFINITY;
                double hours = 0;
                double ratio = 0;
                double ratioMin = Double.POSITIVE_INFINITY;
                double ratioMax = Double.NEGATIVE_INFINITY;
                for (Unit u : mine) {
                    Optional<PolicyResult> r = u.result(policy);
                    if (r.isEmpty()) {
                        continue;
                    }
                    n++;
                    slo += r.get().sloAttainment();
                    sloMin = Math.min(sloMin, r.get().sloAttainment());
                    hours += r.get().gpuHours();
                    Optional<PolicyResult> oracle = u.result("oracle");
                    if (oracle.isPresent() && oracle.get().gpuHours() > 0) {
                        double x = r.get().gpuHours() / oracle.get().gpuHours();
                        ratios++;
                        ratio += x;
                        ratioMin = Math.min(ratioMin, x);
                        ratioMax = Math.max(ratioMax, x);
                    }
                }
                rows.add(new Row(s.name(), policy, n, slo / n, sloMin, hours / n,
                        ratios == 0 ? Double.NaN : ratio / ratios, ratios == 0 ? Double.NaN : ratioMin,
                        ratios == 0 ? Double.NaN : ratioMax));
            }
        }
        return rows;
    }
}
