package dev.headroom.autoscaler.policy;

import dev.headroom.signals.Signal;

import java.util.Objects;
import java.util.Optional;
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
 * @param forecast         the workload total its trend reaches one lead time ahead; present exactly when the
 *                         outcome is {@link SignalOutcome#FORECAST}
 * @param learned          the capacity its target was learned from, when {@link SloCapacityRule} set it
 */
public record SignalInput(Signal signal, Aggregation aggregation, double target, OptionalDouble workloadValue,
                          OptionalDouble perReplicaValue, OptionalDouble ratio, OptionalInt proposedReplicas,
                          int reporting, SignalOutcome outcome, OptionalDouble forecast,
                          Optional<LearnedCapacity> learned) {

    public SignalInput {
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(aggregation, "aggregation");
        Objects.requireNonNull(workloadValue, "workloadValue");
        Objects.requireNonNull(perReplicaValue, "perReplicaValue");
        Objects.requireNonNull(ratio, "ratio");
        Objects.requireNonNull(proposedReplicas, "proposedReplicas");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(forecast, "forecast");
        Objects.requireNonNull(learned, "learned");
        if (forecast.isPresent() != (outcome == SignalOutcome.FORECAST)) {
            throw new IllegalArgumentException(signal.key() + ": a forecast is present exactly when the outcome is FORECAST");
        }
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

    /** A reading with no learned capacity behind its target. */
    public SignalInput(Signal signal, Aggregation aggregation, double target, OptionalDouble workloadValue,
                       OptionalDouble perReplicaValue, OptionalDouble ratio, OptionalInt proposedReplicas,
                       int reporting, SignalOutcome outcome, OptionalDouble forecast) {
        this(signal, aggregation, target, workloadValue, perReplicaValue, ratio, proposedReplicas, reporting, outcome,
                forecast, Optional.empty());
    }

    /** A reading without a forecast. */
    public SignalInput(Signal signal, Aggregation aggregation, double target, OptionalDouble workloadValue,
                       OptionalDouble perReplicaValue, OptionalDouble ratio, OptionalInt proposedReplicas,
                       int reporting, SignalOutcome outcome) {
        this(signal, aggregation, target, workloadValue, perReplicaValue, ratio, proposedReplicas, reporting, outcome,
                OptionalDouble.empty());
    }

    static SignalInput noData(Signal signal, double target) {
        return new SignalInput(signal, Aggregation.of(signal), target, OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalInt.empty(), 0, SignalOutcome.NO_DATA);
    }

    /** Whether this signal voted (had data and was not {@link SignalOutcome#QUIET}). */
    public boolean voted() {
        return proposedReplicas.isPresent();
    }

    /** The same reading proposing {@code replicas} for {@code why} (not {@link SignalOutcome#FORECAST}). */
    SignalInput proposing(int replicas, SignalOutcome why) {
        return new SignalInput(signal, aggregation, target, workloadValue, perReplicaValue, ratio,
                OptionalInt.of(replicas), reporting, why, OptionalDouble.empty(), learned);
    }

    /** The same reading proposing {@code replicas} for the forecast total {@code forecastTotal}. */
    SignalInput forecasting(int replicas, double forecastTotal) {
        return new SignalInput(signal, aggregation, target, workloadValue, perReplicaValue, ratio,
                OptionalInt.of(replicas), reporting, SignalOutcome.FORECAST, OptionalDouble.of(forecastTotal), learned);
    }

    /** The same reading, abstaining: an alarm signal that does not vote for fewer replicas. */
    SignalInput quiet() {
        return new SignalInput(signal, aggregation, target, workloadValue, perReplicaValue, ratio, OptionalInt.empty(),
                reporting, SignalOutcome.QUIET, OptionalDouble.empty(), learned);
    }

    /** The same reading, its target learned as {@code capacity} says. */
    SignalInput withLearned(LearnedCapacity capacity) {
        return new SignalInput(signal, aggregation, target, workloadValue, perReplicaValue, ratio, proposedReplicas,
                reporting, outcome, forecast, Optional.of(capacity));
    }
}
