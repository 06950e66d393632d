package dev.headroom.autoscaler.policy;

import dev.headroom.signals.Signal;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Replicas one signal asks for: the HPA's {@code calcPlainMetricReplicas}
 * ({@code pkg/controller/podautoscaler/replica_calculator.go}), the path of a {@code Pods} metric with an
 * {@code AverageValue} target, with Headroom's fail-safe rules in place of the HPA's guesses for pods
 * without data.
 *
 * <p>As the HPA: {@code usageRatio = mean(values) / target}; with nothing to correct for, no change inside
 * the tolerance, else {@code ceil(usageRatio × reportingPods)}. On a scale-up with pods not yet ready, those
 * pods count as using 0 (they will absorb load: a further scale-up for that load is not asked for); the
 * ratio is recomputed, and a recomputed ratio that lands in the tolerance or crosses 1 keeps the current
 * count. On a scale-down, pods not yet ready are left out (neither 0 nor target).
 *
 * <p>Unlike the HPA: a ready pod with missing or stale data blocks any scale-down (the HPA would count it
 * at target), and on a scale-up it counts <em>at target</em> (the HPA counts it as 0, i.e. idle). A fresh
 * pod that has no value for this signal (a latency quantile with no request finished in the window) also
 * counts at target, in both directions: it neither blocks nor reads as idle.
 */
final class ReplicaCalculator {

    private ReplicaCalculator() {
    }

    static SignalInput evaluate(Signal signal, double target, WorkloadSnapshot snapshot, int currentReplicas,
                                Behavior behavior) {
        Optional<SignalAggregate> maybe = snapshot.get(signal);
        if (maybe.isEmpty()) {
            return SignalInput.noData(signal, target);
        }
        SignalAggregate aggregate = maybe.get();
        int reporting = aggregate.reporting();
        int missing = snapshot.readyMissing();
        int withoutValue = snapshot.readyFresh() - reporting;
        int notReady = snapshot.notReady();
        long targetMilli = Math.max(1, SignalAggregate.toMilli(target));
        double ratio = (double) aggregate.meanMilli() / targetMilli;

        Proposal p = propose(aggregate.sumMilli(), targetMilli, reporting, missing, withoutValue, notReady,
                currentReplicas, behavior);
        return new SignalInput(signal, aggregate.aggregation(), target, OptionalDouble.of(aggregate.workloadValue()),
                OptionalDouble.of(aggregate.mean()), OptionalDouble.of(ratio), OptionalInt.of(p.replicas),
                reporting, p.outcome);
    }

    record Proposal(int replicas, SignalOutcome outcome) {
    }

    /**
     * Milli-unit arithmetic as the HPA's: {@code usage = total / pods} (integer division), {@code ratio =
     * usage / target} in float64.
     *
     * @param sumMilli     sum of the reported values, milli-units
     * @param targetMilli  the per-replica target, milli-units
     * @param reporting    ready, fresh pods with a value
     * @param missing      ready pods whose data is missing or stale
     * @param withoutValue ready, fresh pods without a value for this signal
     * @param notReady     pods not yet ready
     */
    static Proposal propose(long sumMilli, long targetMilli, int reporting, int missing, int withoutValue,
                            int notReady, int currentReplicas, Behavior behavior) {
        double ratio = (double) (sumMilli / reporting) / targetMilli;
        if (missing > 0 && ratio < 1.0 && !behavior.withinTolerance(ratio)) {
            // Headroom: no scale-down unless every ready pod reports fresh data.
            return new Proposal(currentReplicas, SignalOutcome.HELD_MISSING_DATA);
        }
        boolean scaleUpWithUnready = notReady > 0 && ratio > 1.0;
        int atTarget = missing + withoutValue;
        if (!scaleUpWithUnready && atTarget == 0) {
            if (behavior.withinTolerance(ratio)) {
                return new Proposal(currentReplicas, SignalOutcome.WITHIN_TOLERANCE);
            }
            return proposal(ceilReplicas(ratio * reporting), currentReplicas);
        }
        // Re-run the ratio with the pods that had no value filled in, as calcPlainMetricReplicas does.
        long total = sumMilli + atTarget * targetMilli;
        int counted = reporting + atTarget + (scaleUpWithUnready ? notReady : 0); // not ready: 0 each
        double newRatio = (double) (total / counted) / targetMilli;
        if (behavior.withinTolerance(newRatio) || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0)) {
            return new Proposal(currentReplicas, SignalOutcome.WITHIN_TOLERANCE);
        }
        int replicas = ceilReplicas(newRatio * counted);
        if ((newRatio < 1.0 && replicas > currentReplicas) || (newRatio > 1.0 && replicas < currentReplicas)) {
            // The number of pods counted would turn the direction round: keep the current count.
            return new Proposal(currentReplicas, SignalOutcome.WITHIN_TOLERANCE);
        }
        return proposal(replicas, currentReplicas);
    }

    private static Proposal proposal(int replicas, int currentReplicas) {
        return new Proposal(replicas, replicas == currentReplicas ? SignalOutcome.WITHIN_TOLERANCE
                : SignalOutcome.PROPOSED);
    }

    /** {@code ceil(x)} capped at {@link Integer#MAX_VALUE}, as the HPA caps at MaxInt32. */
    static int ceilReplicas(double x) {
        double c = Math.ceil(x);
        return c >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) c;
    }
}
