package dev.headroom.autoscaler.policy;

import dev.headroom.signals.Signal;
import dev.headroom.signals.Signals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.headroom.autoscaler.policy.Fixtures.MAX_AGE;
import static dev.headroom.autoscaler.policy.Fixtures.T0;
import static dev.headroom.autoscaler.policy.Fixtures.VLLM;
import static dev.headroom.autoscaler.policy.Fixtures.fresh;
import static dev.headroom.autoscaler.policy.Fixtures.stale;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class WorkloadSnapshotTest {

    @ParameterizedTest(name = "{0}: 1, 2, 6 → workload {1} ({2}), per replica 3")
    @CsvSource({
            "QUEUE,          9, SUM",
            "RUNNING,        9, SUM",
            "GENERATION_TPS, 9, SUM",
            "REQUESTS_PS,    9, SUM",
            "ARRIVALS_PS,    9, SUM",
            "TTFT_P95,       3, MEAN",
            "ITL_P95,        3, MEAN",
            "ITL_MEAN,       3, MEAN",
    })
    void eachSignalAggregatesAsDocumented(Signal signal, double workloadValue, Aggregation aggregation) {
        WorkloadSnapshot s = Fixtures.snapshot(T0, signal, 0, 0, 1, 2, 6);
        SignalAggregate a = s.get(signal).orElseThrow();
        assertThat(a.aggregation()).isEqualTo(aggregation);
        assertThat(a.workloadValue()).isCloseTo(workloadValue, within(1e-12));
        assertThat(a.mean()).isCloseTo(3, within(1e-12));
        assertThat(a.max()).isEqualTo(6);
        assertThat(a.reporting()).isEqualTo(3);
        assertThat(a.sumMilli()).isEqualTo(9000);
    }

    /** As above with ratios, since a KV utilisation of 2 or 6 is no ratio and makes its pod missing data. */
    @Test
    void kvUtilizationAggregatesAsAMean() {
        WorkloadSnapshot s = Fixtures.snapshot(T0, Signal.KV_UTILIZATION, 0, 0, 0.1, 0.2, 0.6);
        SignalAggregate a = s.get(Signal.KV_UTILIZATION).orElseThrow();
        assertThat(a.aggregation()).isEqualTo(Aggregation.MEAN);
        assertThat(a.workloadValue()).isCloseTo(0.3, within(1e-12));
        assertThat(a.mean()).isCloseTo(0.3, within(1e-12));
        assertThat(a.max()).isEqualTo(0.6);
        assertThat(a.reporting()).isEqualTo(3);
        assertThat(a.sumMilli()).isEqualTo(900);
    }

    @ParameterizedTest
    @EnumSource(Signal.class)
    void everySignalHasAnAggregation(Signal signal) {
        assertThat(Aggregation.of(signal)).isNotNull();
    }

    @Test
    void podsAreClassifiedAndOnlyReadyFreshValuesCount() {
        Signals old = new Signals(T0, VLLM, Map.of(Signal.QUEUE, 50.0), false, Duration.ofSeconds(2), 5);
        WorkloadSnapshot s = WorkloadSnapshot.of(T0.plusSeconds(9), MAX_AGE, List.of(
                ReplicaReport.ready("fresh", fresh(T0.plusSeconds(9), Map.of(Signal.QUEUE, 3.0))),
                ReplicaReport.ready("stale", stale(T0)),
                ReplicaReport.readyMissing("unreachable"),
                ReplicaReport.ready("cached-too-long", old), // sample taken at T0 − 2 s: 11 s old at T0 + 9 s
                new ReplicaReport("loading", false, Optional.of(fresh(T0, Map.of(Signal.QUEUE, 0.0))))));
        assertThat(s.replicas()).containsExactly(
                Map.entry("cached-too-long", ReplicaState.READY_MISSING),
                Map.entry("fresh", ReplicaState.READY_FRESH),
                Map.entry("loading", ReplicaState.NOT_READY),
                Map.entry("stale", ReplicaState.READY_MISSING),
                Map.entry("unreachable", ReplicaState.READY_MISSING));
        assertThat(s.readyFresh()).isEqualTo(1);
        assertThat(s.readyMissing()).isEqualTo(3);
        assertThat(s.notReady()).isEqualTo(1);
        SignalAggregate queue = s.get(Signal.QUEUE).orElseThrow();
        assertThat(queue.reporting()).as("the loading pod's 0 is not idle capacity").isEqualTo(1);
        assertThat(queue.sum()).isEqualTo(3.0);
    }

    @Test
    void dataExactlyMaxAgeOldIsStillFresh() {
        Signals s = new Signals(T0, VLLM, Map.of(Signal.QUEUE, 1.0), false, Duration.ZERO, 5);
        assertThat(WorkloadSnapshot.of(T0.plus(MAX_AGE), MAX_AGE, List.of(ReplicaReport.ready("a", s))).readyFresh())
                .isEqualTo(1);
        assertThat(WorkloadSnapshot.of(T0.plus(MAX_AGE).plusMillis(1), MAX_AGE, List.of(ReplicaReport.ready("a", s)))
                .readyMissing()).isEqualTo(1);
    }

    @Test
    void aSignalNoPodKnowsIsAbsentNotZero() {
        WorkloadSnapshot s = Fixtures.queues(T0, 0, 0, 1, 2);
        assertThat(s.get(Signal.KV_UTILIZATION)).isEmpty();
        assertThat(WorkloadSnapshot.of(T0, MAX_AGE, List.of()).signals()).isEmpty();
    }

    @Test
    void aPodThatCameReadyMomentsAgoMakesNoWorkloadTotalUntilItsWindowFills() {
        // Two replicas with full 30 s windows (7 samples at 5 s) still hold the requests routed to them before
        // the third came ready; the third reads its share over the 10 s it has. Their sum counts that share twice.
        Map<Signal, Double> arrivals = Map.of(Signal.ARRIVALS_PS, 6.0);
        WorkloadSnapshot joining = WorkloadSnapshot.of(T0, MAX_AGE, List.of(
                ReplicaReport.ready("a", new Signals(T0, VLLM, arrivals, false, Duration.ZERO, 7)),
                ReplicaReport.ready("b", new Signals(T0, VLLM, arrivals, false, Duration.ZERO, 7)),
                ReplicaReport.ready("c", new Signals(T0, VLLM, arrivals, false, Duration.ZERO, 3))));
        assertThat(joining.filling()).isEqualTo(1);
        assertThat(joining.get(Signal.ARRIVALS_PS).orElseThrow().workloadValue()).as("still read and shown")
                .isEqualTo(18.0);
        assertThat(joining.completeTotal(Signal.ARRIVALS_PS)).as("not a total to learn from").isEmpty();
        assertThat(joining.complete(3)).isFalse();
        // One sample fewer is a sidecar scraping out of phase over the same span, not a filling window.
        WorkloadSnapshot settled = WorkloadSnapshot.of(T0, MAX_AGE, List.of(
                ReplicaReport.ready("a", new Signals(T0, VLLM, arrivals, false, Duration.ZERO, 7)),
                ReplicaReport.ready("b", new Signals(T0, VLLM, arrivals, false, Duration.ZERO, 6))));
        assertThat(settled.filling()).isZero();
        assertThat(settled.completeTotal(Signal.ARRIVALS_PS)).hasValue(12.0);
    }

    @Test
    void negativeReadingsCountAsZero() {
        SignalAggregate a = Fixtures.queues(T0, 0, 0, -2, 4).get(Signal.QUEUE).orElseThrow();
        assertThat(a.sum()).isEqualTo(4);
        assertThat(a.sumMilli()).isEqualTo(4000);
    }

    @Test
    void duplicatePodsAndBadArgumentsAreRefused() {
        Signals s = fresh(T0, Map.of(Signal.QUEUE, 1.0));
        assertThatThrownBy(() -> WorkloadSnapshot.of(T0, MAX_AGE,
                List.of(ReplicaReport.ready("a", s), ReplicaReport.notReady("a"))))
                .hasMessageContaining("two replica reports for pod 'a'");
        assertThatThrownBy(() -> WorkloadSnapshot.of(T0, Duration.ZERO, List.of())).hasMessageContaining("maxAge");
        assertThatThrownBy(() -> ReplicaReport.notReady(" ")).hasMessageContaining("pod name");
        assertThatThrownBy(() -> new SignalAggregate(Signal.QUEUE, Aggregation.SUM, 0, 0, 0, 0, 0))
                .hasMessageContaining("at least one reporting pod");
    }
}
