package dev.headroom.agent.external;

import dev.headroom.autoscaler.kubernetes.DecisionBook;
import dev.headroom.autoscaler.kubernetes.WorkloadDecision;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.policy.DecisionReason;
import dev.headroom.autoscaler.policy.ExternalMetricValue;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What an external metric reads for one workload at one moment: a value that reproduces Headroom's decision, or
 * why there is none. Shared by the {@code external.metrics.k8s.io} API and the KEDA scaler, so that both serve the
 * same number and refuse in the same cases.
 *
 * <p>Never a value that looks like zero load: with no decision, a decision held for want of data, a decision older
 * than the allowed age, or a policy in another mode, there is no value, and the caller turns that into an error.
 * An HPA that gets an error for a metric keeps its replica count (and takes no scale-down on it).
 */
public sealed interface ServedValue {

    /** The HPA's default tolerance in both directions, used to say whether the value is reproducible. */
    double HPA_DEFAULT_TOLERANCE = 0.1;

    /**
     * The oldest decision served, unless configured ({@code headroom.external-metrics.max-decision-age},
     * {@code headroom.keda.max-decision-age}): thirty decision intervals, so that a controller that stopped is
     * noticed within two HPA syncs.
     */
    String DEFAULT_MAX_DECISION_AGE = "30s";

    /**
     * A value to serve.
     *
     * @param workload the decision it comes from
     * @param value    the value for an {@code AverageValue} target of {@link ReplicaSignal#TARGET_PER_REPLICA}
     * @param replicas the replica count it stands for
     */
    record Value(WorkloadDecision workload, ExternalMetricValue value, int replicas) implements ServedValue {
        public Value {
            Objects.requireNonNull(workload, "workload");
            Objects.requireNonNull(value, "value");
        }

        /** When the decision was made: the metric's timestamp. */
        public Instant decidedAt() {
            return workload.decision().at();
        }
    }

    /** Why there is no value. */
    enum Missing {
        /** No {@code HeadroomPolicy} of that name, or it has not decided yet. */
        NO_DECISION,
        /** The policy acts another way (for instance {@code direct}): serving it would let two actors scale. */
        OTHER_MODE,
        /** The latest decision was a hold for want of data. */
        NO_DATA,
        /** The latest decision is older than the allowed age: the controller stopped deciding. */
        STALE
    }

    /**
     * No value.
     *
     * @param why     the kind
     * @param message one line naming the workload and what to do
     */
    record Unavailable(Missing why, String message) implements ServedValue {
        public Unavailable {
            Objects.requireNonNull(why, "why");
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * Reads the value of {@code signal} for the policy {@code namespace/name}.
     *
     * @param mode   the mode the policy must be in for this way of acting
     * @param now    the present
     * @param maxAge how old a decision may be and still be served
     */
    static ServedValue read(DecisionBook book, String namespace, String name, ReplicaSignal signal, ScalingMode mode,
                            Instant now, Duration maxAge) {
        var latest = book.latest(namespace, name);
        if (latest.isEmpty()) {
            return new Unavailable(Missing.NO_DECISION, "no decision for " + namespace + "/" + name
                    + ": no HeadroomPolicy of that name in that namespace, or it has not decided yet");
        }
        WorkloadDecision w = latest.get();
        if (w.mode() != mode) {
            return new Unavailable(Missing.OTHER_MODE, "the HeadroomPolicy " + namespace + "/" + name + " is in mode "
                    + w.mode().value() + "; set spec.mode: " + mode.value() + " to serve its decisions this way");
        }
        var decision = w.decision();
        if (decision.reason() == DecisionReason.HELD_NO_DATA) {
            return new Unavailable(Missing.NO_DATA, "no data for " + namespace + "/" + name + " (holding): "
                    + decision.message());
        }
        Duration age = Duration.between(decision.at(), now);
        if (age.compareTo(maxAge) > 0) {
            return new Unavailable(Missing.STALE, "the latest decision for " + namespace + "/" + name + " is "
                    + age.toSeconds() + " s old (at most " + maxAge.toSeconds() + " s): the controller is not deciding");
        }
        int replicas = signal.replicas(decision);
        ExternalMetricValue value = ExternalMetricValue.forAverageValueTarget(replicas, w.currentReplicas(),
                ReplicaSignal.TARGET_MILLI_PER_REPLICA, HPA_DEFAULT_TOLERANCE, HPA_DEFAULT_TOLERANCE);
        return new Value(w, value, replicas);
    }
}
