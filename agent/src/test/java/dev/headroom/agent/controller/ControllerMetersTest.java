package dev.headroom.agent.controller;

import dev.headroom.agent.external.Decisions;
import dev.headroom.autoscaler.kubernetes.WorkloadDecision;
import dev.headroom.autoscaler.kubernetes.WorkloadKey;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.policy.Aggregation;
import dev.headroom.autoscaler.policy.DecisionReason;
import dev.headroom.autoscaler.policy.LearnedCapacity;
import dev.headroom.autoscaler.policy.ScalingDecision;
import dev.headroom.autoscaler.policy.SignalInput;
import dev.headroom.autoscaler.policy.SignalOutcome;
import dev.headroom.agent.metrics.MetricFamily;
import dev.headroom.signals.Signal;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ControllerMeters} on a plain registry, fed decisions marked as {@code HeadroomController} marks them: the
 * leader in {@code direct} mode either changes the count ({@code acted}) or records why it could not
 * ({@code actionError}); a standby decides the same change and does neither.
 */
class ControllerMetersTest {

    private static final Instant AT = Instant.parse("2025-01-01T00:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ControllerMeters meters = new ControllerMeters(registry);

    /** {@code llm/name} in {@code mode}: 2 → 4 replicas, as a decision that has not been acted on. */
    private static WorkloadDecision upTo4(String name, ScalingMode mode) {
        return Decisions.decision("llm", name, mode, AT, 2, 4, DecisionReason.SCALE_UP);
    }

    private static WorkloadDecision marked(WorkloadDecision d, boolean acted, Optional<String> actionError) {
        return new WorkloadDecision(d.key(), d.target(), d.mode(), d.spec(), d.currentReplicas(), d.decision(), acted,
                actionError);
    }

    private double gauge(String name, String workload) {
        return registry.get(name).tags("namespace", "llm", "workload", workload).gauge().value();
    }

    private double acting(String workload) {
        return gauge(ControllerMeters.ACTING, workload);
    }

    @Test
    void aDirectModeLeadersDecisionIsActingWhetherItsWriteWorkedOrWasRefused() {
        meters.onDecision(marked(upTo4("scaled", ScalingMode.DIRECT), true, Optional.empty()));
        meters.onDecision(marked(upTo4("refused", ScalingMode.DIRECT), false,
                Optional.of("deployments.apps \"refused\" is forbidden")));

        assertThat(acting("scaled")).isEqualTo(1.0);
        assertThat(acting("refused")).as("the leader tried: a refusal is what the alert is for").isEqualTo(1.0);
        assertThat(gauge(ControllerMeters.DESIRED, "refused")).isEqualTo(4.0);
        assertThat(gauge(ControllerMeters.CURRENT, "refused")).isEqualTo(2.0);
    }

    @Test
    void aStandbysAndADryRunsDecisionsAreNotActing() {
        meters.onDecision(upTo4("standby", ScalingMode.DIRECT));
        meters.onDecision(upTo4("dry", ScalingMode.DRY_RUN));

        assertThat(acting("standby")).as("a change nobody here made or tried").isZero();
        assertThat(acting("dry")).isZero();
        // Desired and current stay apart on both, as they do in a cluster: only the acting gauge tells them apart.
        assertThat(gauge(ControllerMeters.DESIRED, "standby")).isEqualTo(4.0);
        assertThat(gauge(ControllerMeters.CURRENT, "standby")).isEqualTo(2.0);
    }

    @Test
    void externalMetricsAndKedaDecisionsAreActingThoughThisControllerNeverWrites() {
        meters.onDecision(upTo4("hpa", ScalingMode.EXTERNAL_METRICS));
        meters.onDecision(upTo4("keda", ScalingMode.KEDA));

        assertThat(acting("hpa")).isEqualTo(1.0);
        assertThat(acting("keda")).isEqualTo(1.0);
    }

    @Test
    void aDirectModeDecisionThatAsksForNoChangeHoldsNothingBack() {
        meters.onDecision(Decisions.decision("llm", "steady", ScalingMode.DIRECT, AT, 3, 3, DecisionReason.WITHIN_TOLERANCE));

        assertThat(acting("steady")).isEqualTo(1.0);
    }

    @Test
    void theGaugeFollowsTheLatestDecision() {
        meters.onDecision(upTo4("chat", ScalingMode.DIRECT));
        assertThat(acting("chat")).isZero();
        // This replica takes the lead and scales.
        meters.onDecision(marked(upTo4("chat", ScalingMode.DIRECT), true, Optional.empty()));
        assertThat(acting("chat")).isEqualTo(1.0);
        // The policy is switched to dry-run.
        meters.onDecision(upTo4("chat", ScalingMode.DRY_RUN));
        assertThat(acting("chat")).isZero();
        assertThat(registry.find(ControllerMeters.ACTING).gauges()).as("one series per workload").hasSize(1);
    }

    @Test
    void theGaugeSaysWhatOneAndZeroMean() {
        meters.onDecision(upTo4("chat", ScalingMode.DIRECT));
        Gauge g = registry.get(ControllerMeters.ACTING).gauge();
        assertThat(g.getId().getDescription()).contains("1 when").contains("0 when").contains("dry-run")
                .contains("standby");
    }

    @Test
    void forgettingAWorkloadRemovesItsGauges() {
        meters.onDecision(upTo4("gone", ScalingMode.DIRECT));
        meters.onDecision(marked(upTo4("kept", ScalingMode.DIRECT), true, Optional.empty()));

        meters.onForget(new WorkloadKey("llm", "gone"));

        for (String name : new String[] {ControllerMeters.DESIRED, ControllerMeters.CURRENT, ControllerMeters.ACTING,
                ControllerMeters.SATURATION_COMPOSITE}) {
            assertThat(registry.find(name).tag("workload", "gone").gauges()).as(name).isEmpty();
            assertThat(registry.find(name).tag("workload", "kept").gauges()).as(name).hasSize(1);
        }
        // Seen again, it gets its gauges back with the new decision's values.
        meters.onDecision(upTo4("gone", ScalingMode.DRY_RUN));
        assertThat(acting("gone")).isZero();
        assertThat(gauge(ControllerMeters.DESIRED, "gone")).isEqualTo(4.0);
    }

    /** {@code signal} read at {@code perReplica} per replica against {@code target}: a proposal of 3 replicas. */
    private static SignalInput reading(Signal signal, double target, double perReplica) {
        return new SignalInput(signal, Aggregation.of(signal), target, OptionalDouble.of(2 * perReplica),
                OptionalDouble.of(perReplica), OptionalDouble.of(perReplica / target), OptionalInt.of(3), 2,
                SignalOutcome.PROPOSED);
    }

    /** An arrivals_ps target learned as 0.9 × {@code capacity} from {@code samples} readings. */
    private static SignalInput learned(double capacity, int samples, double perReplica) {
        double target = 0.9 * capacity;
        return new SignalInput(Signal.ARRIVALS_PS, Aggregation.SUM, target, OptionalDouble.of(2 * perReplica),
                OptionalDouble.of(perReplica), OptionalDouble.of(perReplica / target), OptionalInt.of(3), 2,
                SignalOutcome.PROPOSED, OptionalDouble.empty(), Optional.of(new LearnedCapacity(capacity,
                        LearnedCapacity.SloTerm.ITL, LearnedCapacity.Confidence.CONFIDENT, samples, perReplica, 1000,
                        200, 0.1, 1.5)));
    }

    /** {@code signal} targeted at {@code target}, with no ready pod reporting it fresh. */
    private static SignalInput noData(Signal signal, double target) {
        return new SignalInput(signal, Aggregation.of(signal), target, OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalInt.empty(), 0, SignalOutcome.NO_DATA);
    }

    /** {@code llm/name} in direct mode at 2 → 3 replicas, decided on {@code inputs}. */
    private static WorkloadDecision decidedOn(String name, SignalInput... inputs) {
        WorkloadDecision d = upTo4(name, ScalingMode.DIRECT);
        ScalingDecision s = d.decision();
        ScalingDecision on = new ScalingDecision(s.workload(), s.at(), 2, 3, 3, 3, DecisionReason.SCALE_UP,
                Optional.of(inputs[0].signal()), List.of(inputs), 2, 0, 0, "scale up 2 → 3");
        return new WorkloadDecision(d.key(), d.target(), d.mode(), d.spec(), 2, on, true, Optional.empty());
    }

    private double signalGauge(String name, String workload, Signal signal) {
        return registry.get(name).tags("namespace", "llm", "workload", workload, "signal", signal.key()).gauge().value();
    }

    @Test
    void thePolicySaturationIsEachTargetedSignalsRatioToThePolicysTargetAndTheirHighest() {
        // Queue 6 per replica against the policy's 4 (the sidecar's display target might well be another number);
        // KV at 0.4 against 0.8.
        meters.onDecision(decidedOn("chat", reading(Signal.QUEUE, 4, 6), reading(Signal.KV_UTILIZATION, 0.8, 0.4)));

        assertThat(signalGauge(ControllerMeters.SATURATION, "chat", Signal.QUEUE)).isEqualTo(1.5);
        assertThat(signalGauge(ControllerMeters.SATURATION, "chat", Signal.KV_UTILIZATION)).isEqualTo(0.5);
        assertThat(signalGauge(ControllerMeters.TARGET, "chat", Signal.QUEUE)).isEqualTo(4.0);
        assertThat(signalGauge(ControllerMeters.TARGET, "chat", Signal.KV_UTILIZATION)).isEqualTo(0.8);
        assertThat(gauge(ControllerMeters.SATURATION_COMPOSITE, "chat")).isEqualTo(1.5);
        assertThat(registry.find(ControllerMeters.SATURATION).gauges()).as("only the targeted signals").hasSize(2);
    }

    @Test
    void aLearnedTargetIsExportedAsTheDecisionUsedIt() {
        // No arrivals_ps target in the policy: the one learned from the workload is in the decision's inputs.
        meters.onDecision(decidedOn("chat", reading(Signal.QUEUE, 4, 2), reading(Signal.ARRIVALS_PS, 2.7, 5.4)));

        assertThat(signalGauge(ControllerMeters.TARGET, "chat", Signal.ARRIVALS_PS)).isEqualTo(2.7);
        assertThat(signalGauge(ControllerMeters.SATURATION, "chat", Signal.ARRIVALS_PS)).isEqualTo(2.0);
        assertThat(gauge(ControllerMeters.SATURATION_COMPOSITE, "chat")).as("the learned target dominates").isEqualTo(2.0);
    }

    @Test
    void theLearnedCapacityIsExportedOnlyWhereOneWasLearnedAndGoesWithItsWorkload() {
        meters.onDecision(decidedOn("slo", learned(9.5, 40, 6)));
        meters.onDecision(decidedOn("hand", reading(Signal.QUEUE, 4, 2)));

        assertThat(gauge(ControllerMeters.LEARNED_CAPACITY, "slo")).isEqualTo(9.5);
        assertThat(gauge(ControllerMeters.LEARNED_SAMPLES, "slo")).isEqualTo(40);
        assertThat(registry.find(ControllerMeters.LEARNED_CAPACITY).tag("workload", "hand").gauges())
                .as("no series, not NaN, for a policy without an SLO").isEmpty();

        meters.onDecision(decidedOn("slo", learned(8.0, 41, 6)));
        assertThat(gauge(ControllerMeters.LEARNED_CAPACITY, "slo")).isEqualTo(8.0);

        meters.onForget(new WorkloadKey("llm", "slo"));
        assertThat(registry.find(ControllerMeters.LEARNED_CAPACITY).gauges()).isEmpty();
        assertThat(registry.find(ControllerMeters.LEARNED_SAMPLES).gauges()).isEmpty();
    }

    @Test
    void aSignalWithoutDataReadsNaNNeverZero() {
        meters.onDecision(decidedOn("partial", noData(Signal.TTFT_P95, 2), reading(Signal.QUEUE, 4, 1)));
        meters.onDecision(decidedOn("blind", noData(Signal.QUEUE, 4), noData(Signal.KV_UTILIZATION, 0.8)));

        assertThat(signalGauge(ControllerMeters.SATURATION, "partial", Signal.TTFT_P95)).isNaN();
        assertThat(signalGauge(ControllerMeters.TARGET, "partial", Signal.TTFT_P95)).isEqualTo(2.0);
        assertThat(gauge(ControllerMeters.SATURATION_COMPOSITE, "partial")).as("the highest of those with data")
                .isEqualTo(0.25);
        assertThat(signalGauge(ControllerMeters.SATURATION, "blind", Signal.QUEUE)).isNaN();
        assertThat(gauge(ControllerMeters.SATURATION_COMPOSITE, "blind")).isNaN();
    }

    @Test
    void aDecisionWithoutInputsHasAnUnknownCompositeAndNoSignalSeries() {
        meters.onDecision(upTo4("bare", ScalingMode.DIRECT));

        assertThat(gauge(ControllerMeters.SATURATION_COMPOSITE, "bare")).isNaN();
        assertThat(registry.find(ControllerMeters.SATURATION).gauges()).isEmpty();
    }

    @Test
    void aSignalTheLatestDecisionNoLongerTargetsLosesItsSeries() {
        meters.onDecision(decidedOn("chat", reading(Signal.QUEUE, 4, 6), reading(Signal.KV_UTILIZATION, 0.8, 0.4)));
        // The policy was edited: KV only, and data again later.
        meters.onDecision(decidedOn("chat", reading(Signal.KV_UTILIZATION, 0.8, 0.6)));

        assertThat(registry.find(ControllerMeters.SATURATION).tag("signal", "queue").gauges()).isEmpty();
        assertThat(registry.find(ControllerMeters.TARGET).tag("signal", "queue").gauges()).isEmpty();
        assertThat(signalGauge(ControllerMeters.SATURATION, "chat", Signal.KV_UTILIZATION)).isCloseTo(0.75,
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat(gauge(ControllerMeters.SATURATION_COMPOSITE, "chat")).isCloseTo(0.75,
                org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void forgettingAWorkloadRemovesItsSaturationSeries() {
        meters.onDecision(decidedOn("gone", reading(Signal.QUEUE, 4, 6)));
        meters.onDecision(decidedOn("kept", reading(Signal.QUEUE, 4, 2)));

        meters.onForget(new WorkloadKey("llm", "gone"));

        for (String name : new String[] {ControllerMeters.SATURATION, ControllerMeters.TARGET,
                ControllerMeters.SATURATION_COMPOSITE}) {
            assertThat(registry.find(name).tag("workload", "gone").gauges()).as(name).isEmpty();
            assertThat(registry.find(name).tag("workload", "kept").gauges()).as(name).hasSize(1);
        }
    }

    @Test
    void failedRoundsAreCountedByWhatFailedWithoutWorkloadLabels() {
        meters.onFailure(new WorkloadKey("ns", "chat"), new IllegalStateException("pod watch"));
        meters.onFailure(new WorkloadKey("ns", "other"), new IllegalStateException("pod watch"));
        meters.onTickFailure(new OutOfMemoryError("Java heap space"));

        String name = ControllerMeters.FAILURES.meterName();
        assertThat(registry.find(name).tag("kind", "IllegalStateException").counter().count()).isEqualTo(2.0);
        assertThat(registry.find(name).tag("kind", "OutOfMemoryError").counter().count()).isEqualTo(1.0);
        assertThat(registry.find(name).counters()).allSatisfy(c -> assertThat(c.getId().getTags())
                .extracting(t -> t.getKey()).containsExactlyElementsOf(ControllerMeters.FAILURES.labels()));
        assertThat(registry.find(ControllerMeters.DESIRED).gauges()).as("a failure is no decision").isEmpty();
    }

    @Test
    void everyMeterIsARowOfTheTable() {
        meters.onDecision(decidedOn("chat", reading(Signal.QUEUE, 4, 6), learned(9.5, 40, 6)));

        assertThat(registry.getMeters()).extracting(m -> m.getId().getName()).containsOnlyElementsOf(ControllerMeters.NAMES)
                .containsAll(ControllerMeters.NAMES);
        for (MetricFamily f : ControllerMeters.FAMILIES) {
            assertThat(registry.find(f.meterName()).meters()).as(f.name()).allSatisfy(m -> {
                assertThat(m.getId().getDescription()).isEqualTo(f.help());
                assertThat(m.getId().getTags()).extracting(t -> t.getKey()).containsExactlyInAnyOrderElementsOf(f.labels());
            });
        }
    }
}
