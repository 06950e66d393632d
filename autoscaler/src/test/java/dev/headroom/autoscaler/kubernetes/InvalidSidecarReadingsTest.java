package dev.headroom.autoscaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.headroom.autoscaler.policy.HpaCompatiblePolicy;
import dev.headroom.autoscaler.policy.PolicySpec;
import dev.headroom.autoscaler.policy.ReplicaReport;
import dev.headroom.autoscaler.policy.ScalingDecision;
import dev.headroom.autoscaler.policy.WorkloadSnapshot;
import dev.headroom.collectors.engine.Rejection;
import dev.headroom.signals.Signal;
import dev.headroom.signals.Signals;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14, item 3, on the controller's side: a sidecar answer with a value no engine can have is never clamped.
 * The signal is left out with its reason, the pod counts as missing data, and the policy does not scale down on it:
 * the controller never scales down on a reading it would not scale up on.
 */
class InvalidSidecarReadingsTest {

    static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    static final Duration MAX_AGE = Duration.ofSeconds(10);

    static Stream<Arguments> invalidAnswers() {
        return Stream.of(
                arguments("queue -50", "{\"queue\": -50, \"running\": 30, \"kv_utilization\": 0.9}", Signal.QUEUE,
                        Rejection.Reason.NEGATIVE),
                arguments("KV -3", "{\"queue\": 6, \"running\": 30, \"kv_utilization\": -3}", Signal.KV_UTILIZATION,
                        Rejection.Reason.NEGATIVE),
                arguments("KV 7.0, a ratio", "{\"queue\": 6, \"running\": 30, \"kv_utilization\": 7.0}",
                        Signal.KV_UTILIZATION, Rejection.Reason.OUT_OF_RANGE),
                arguments("KV 1.7", "{\"queue\": 6, \"running\": 30, \"kv_utilization\": 1.7}", Signal.KV_UTILIZATION,
                        Rejection.Reason.OUT_OF_RANGE),
                arguments("negative tokens/s", "{\"queue\": 6, \"generation_tps\": -1e7}", Signal.GENERATION_TPS,
                        Rejection.Reason.NEGATIVE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidAnswers")
    void anImpossibleValueIsRejectedNotClampedAndThePodIsMissingData(String name, String signals, Signal signal,
            Rejection.Reason reason) throws Exception {
        Signals read = SidecarSignals.parse(SidecarSignalsTest.body("false", "0.4", "12", signals), T0);

        assertThat(read.get(signal)).as("not clamped to 0, not taken as sent").isEmpty();
        assertThat(read.rejected().get(signal).reason()).isEqualTo(reason);
        assertThat(read.rejected().get(signal).detail()).contains(signal.key());

        WorkloadSnapshot snapshot = WorkloadSnapshot.of(T0, MAX_AGE, List.of(ReplicaReport.ready("pod-0", read)));
        assertThat(snapshot.readyMissing()).isEqualTo(1);
        assertThat(snapshot.readyFresh()).isZero();
    }

    @Test
    void theSidecarsOwnRejectionsAreReadAndMakeThePodMissingData() throws Exception {
        byte[] body = SidecarSignalsTest.body("false", "0.4", "12", "{\"queue\": null, \"running\": 30}")
                .clone();
        String json = new String(body, java.nio.charset.StandardCharsets.UTF_8).replace("\"gpus\": null}",
                "\"gpus\": null, \"rejected\": {\"queue\": {\"reason\": \"duplicate_series\","
                        + " \"detail\": \"vllm:num_requests_waiting{} appears more than once\"}}}");
        Signals read = SidecarSignals.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), T0);

        assertThat(read.rejected().get(Signal.QUEUE).reason()).isEqualTo(Rejection.Reason.DUPLICATE_SERIES);
        assertThat(read.rejected().get(Signal.QUEUE).detail()).contains("more than once");
        assertThat(WorkloadSnapshot.of(T0, MAX_AGE, List.of(ReplicaReport.ready("pod-0", read))).readyMissing())
                .isEqualTo(1);
    }

    /** The row: negative readings from four loaded pods were clamped to 0 and read as idle, 4 → 1. */
    @Test
    void negativeReadingsUnderLoadNeverScaleDown() throws Exception {
        String negative = "{\"queue\": -50, \"running\": 30, \"kv_utilization\": -3}";
        String idle = "{\"queue\": 0, \"running\": 0, \"kv_utilization\": 0.0}";

        assertThat(decideAfterQuietWindow(idle).desired()).as("the same policy does scale idle pods down")
                .isLessThan(4);
        ScalingDecision decision = decideAfterQuietWindow(negative);
        assertThat(decision.desired()).isEqualTo(4);
        assertThat(decision.readyMissing()).isEqualTo(4);
    }

    /** Four ready pods answering {@code signals}, decided on after a first decision older than the 300 s window. */
    private static ScalingDecision decideAfterQuietWindow(String signals) throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(T0.minusSeconds(301));
        HpaCompatiblePolicy policy = new HpaCompatiblePolicy(now::get);
        PolicySpec spec = PolicySpec.of(1, 8);
        policy.decide("llm", spec, 4, snapshot(now.get(), "{\"queue\": 4, \"running\": 30, \"kv_utilization\": 0.8}"));
        now.set(T0);
        return policy.decide("llm", spec, 4, snapshot(T0, signals));
    }

    private static WorkloadSnapshot snapshot(Instant at, String signals) throws Exception {
        List<ReplicaReport> reports = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            reports.add(ReplicaReport.ready("pod-" + i,
                    SidecarSignals.parse(SidecarSignalsTest.body("false", "0.4", "12", signals), at)));
        }
        return WorkloadSnapshot.of(at, MAX_AGE, reports);
    }
}
