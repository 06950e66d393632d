package dev.headroom.agent.keda;

import dev.headroom.agent.external.ReplicaSignal;
import dev.headroom.agent.external.ServedValue;
import dev.headroom.agent.keda.externalscaler.GetMetricSpecResponse;
import dev.headroom.agent.keda.externalscaler.GetMetricsResponse;
import dev.headroom.agent.keda.externalscaler.MetricSpec;
import dev.headroom.agent.keda.externalscaler.MetricValue;
import dev.headroom.autoscaler.kubernetes.DecisionBook;
import dev.headroom.autoscaler.kubernetes.WorkloadDecision;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.policy.DecisionReason;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * The answers of Headroom's KEDA external scaler, without the gRPC transport.
 *
 * <p>Metric: the value that makes KEDA's HPA ({@code AverageValue}, target {@value ReplicaSignal#TARGET_PER_REPLICA})
 * arrive at Headroom's decision, the same number as on {@code external.metrics.k8s.io}. With no value (no decision,
 * no data, a stale decision, another mode) {@link #metrics} fails, and the HPA holds.
 *
 * <p>Activity: KEDA scales a workload to zero when every trigger is inactive for its cooldown, so missing data must
 * never read as inactive. {@link #isActive} is false only on a fresh decision in {@code keda} mode that says zero
 * replicas, or whose workload already runs none (nothing runs, nothing can report; waking it needs a trigger that
 * sees demand without pods). Everything else, missing data included, is active.
 */
public final class KedaScaler {

    private final DecisionBook book;
    private final InstantSource clock;
    private final Duration maxDecisionAge;

    /** Why a metric has no value, with the gRPC status it maps to. */
    public static final class NoValueException extends Exception {
        private final ServedValue.Missing why;

        public NoValueException(ServedValue.Unavailable unavailable) {
            super(unavailable.message());
            this.why = unavailable.why();
        }

        public ServedValue.Missing why() {
            return why;
        }
    }

    public KedaScaler(DecisionBook book, InstantSource clock, Duration maxDecisionAge) {
        this.book = Objects.requireNonNull(book, "book");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxDecisionAge = Objects.requireNonNull(maxDecisionAge, "maxDecisionAge");
        if (maxDecisionAge.isZero() || maxDecisionAge.isNegative()) {
            throw new IllegalArgumentException("headroom.keda.max-decision-age must be positive, got " + maxDecisionAge);
        }
    }

    /** The metric KEDA puts in its HPA: the trigger's replica signal, one per replica. */
    public GetMetricSpecResponse metricSpec(KedaTrigger trigger) {
        return GetMetricSpecResponse.newBuilder().addMetricSpecs(MetricSpec.newBuilder()
                .setMetricName(trigger.signal().metricName())
                .setTargetSize(ReplicaSignal.TARGET_PER_REPLICA)
                .setTargetSizeFloat(ReplicaSignal.TARGET_PER_REPLICA)
                .build()).build();
    }

    /** The metric's value now, named as KEDA asked for it. */
    public GetMetricsResponse metrics(KedaTrigger trigger, String metricName) throws NoValueException {
        ServedValue served = read(trigger);
        if (served instanceof ServedValue.Unavailable u) {
            throw new NoValueException(u);
        }
        long milli = ((ServedValue.Value) served).value().milliValue();
        String name = metricName == null || metricName.isBlank() ? trigger.signal().metricName() : metricName;
        return GetMetricsResponse.newBuilder().addMetricValues(MetricValue.newBuilder()
                .setMetricName(name)
                // The integer field is read only by KEDA versions without the float one (and when the float is 0):
                // rounded up, it still lands on the same replica count (ceil of the value per replica).
                .setMetricValue(Math.floorDiv(milli + 999, 1000))
                .setMetricValueFloat(milli / 1000.0)
                .build()).build();
    }

    /** Whether KEDA should keep the workload scaled up (see the class comment): missing data is active. */
    public boolean isActive(KedaTrigger trigger) {
        var latest = book.latest(trigger.namespace(), trigger.workload());
        if (latest.isEmpty() || latest.get().mode() != ScalingMode.KEDA) {
            return true;
        }
        WorkloadDecision w = latest.get();
        if (Duration.between(w.decision().at(), clock.instant()).compareTo(maxDecisionAge) > 0) {
            return true;
        }
        if (w.currentReplicas() == 0) {
            return false;
        }
        return w.decision().reason() == DecisionReason.HELD_NO_DATA || trigger.signal().replicas(w.decision()) > 0;
    }

    private ServedValue read(KedaTrigger trigger) {
        return ServedValue.read(book, trigger.namespace(), trigger.workload(), trigger.signal(), ScalingMode.KEDA,
                clock.instant(), maxDecisionAge);
    }
}
