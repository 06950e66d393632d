package dev.headroom.autoscaler.policy;

import dev.headroom.autoscaler.signals.Signal;

import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * One signal's part in a decision: what was measured, against which target, and what it proposed.
 *
 * @param signal           the signal
 * @param aggregation      how its workload value was formed
 * @param target           the per-replica target
 * @param workloadValue    the total ({@link Aggregation#SUM}) or mean ({@link Aggregation#MEAN}); empty with no data
 * @param perReplicaValue  the mean over the reporting pods: what is compared with the target
 * @param ratio            {@code perReplicaValue / target}, the HPA's usage ratio; empty with no data
 * @param proposedReplicas the replicas it asks for; empty with no data and when {@link SignalOutcome#QUIET}
 * @param reporting        how many ready pods reported it fresh
 * @param outcome          what it said
 */
public record SignalInput(Signal signal, Aggregation aggregation, double target, OptionalDouble workloadValue,
                          OptionalDouble perReplicaValue, OptionalDouble ratio, OptionalInt proposedReplicas,
                          int reporting, SignalOutcome outcome) {

    public SignalInput {
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(aggregation, "aggregation");
        Objects.requireNonNull(workloadValue, "workloadValue");
        Objects.requireNonNull(perReplicaValue, "perReplicaValue");
        Objects.requireNonNull(ratio, "ratio");
        Objects.requireNonNull(proposedReplicas, "proposedReplicas");
        Objects.requireNonNull(outcome, "outcome");
        boolean noData = outcome == SignalOutcome.NO_DATA;
        boolean abstains = noData || outcome == SignalOutcome.QUIET;
        if (noData != ratio.isEmpty() || noData != workloadValue.isEmpty()
                || noData != perReplicaValue.isEmpty() || noData != (reporting == 0)) {
            throw new IllegalArgumentException(signal.key() + ": values are absent exactly when there is no data");
        }
        if (abstains != proposedReplicas.isEmpty()) {
            throw new IllegalArgumentException(signal.key() + ": a proposal is absent exactly when the signal has no"
                    + " data or is quiet");
        }
        if (!(target > 0) || !Double.isFinite(target)) {
            throw new IllegalArgumentException(signal.key() + ": target must be positive, got " + target);
        }
    }

    static SignalInput noData(Signal signal, double target) {
        return new SignalInput(signal, Aggregation.of(signal), target, OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalInt.empty(), 0, SignalOutcome.NO_DATA);
    }

    /** Whether this signal voted (had data and was not {@link SignalOutcome#QUIET}). */
    public boolean voted() {
        return proposedReplicas.isPresent();
    }

    /** The same reading, abstaining: an alarm signal that does not vote for fewer replicas. */
    SignalInput quiet() {
        return new SignalInput(signal, aggregation, target, workloadValue, perReplicaValue, ratio, OptionalInt.empty(),
                reporting, SignalOutcome.QUIET);
    }
}
