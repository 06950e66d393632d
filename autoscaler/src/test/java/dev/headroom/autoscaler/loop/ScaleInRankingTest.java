package dev.headroom.autoscaler.loop;

import dev.headroom.autoscaler.policy.ReplicaReport;
import dev.headroom.autoscaler.policy.WorkloadSnapshot;
import dev.headroom.collectors.engine.EngineIdentity;
import dev.headroom.signals.Signal;
import dev.headroom.signals.Signals;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScaleInRankingTest {

    static final Instant T = Instant.parse("2026-11-27T10:00:00Z");
    static final EngineIdentity VLLM = new EngineIdentity("vllm-v1", "llama", "0.9.0");

    static ReplicaReport ready(String pod, Double running, Double waiting, Double kv) {
        Map<Signal, Double> v = new java.util.EnumMap<>(Signal.class);
        if (running != null) {
            v.put(Signal.RUNNING, running);
        }
        if (waiting != null) {
            v.put(Signal.QUEUE, waiting);
        }
        if (kv != null) {
            v.put(Signal.KV_UTILIZATION, kv);
        }
        return ReplicaReport.ready(pod, new Signals(T, VLLM, v, false, Duration.ZERO, 5));
    }

    static ScaleInRanking rank(List<ReplicaReport> reports) {
        return ScaleInRanking.of(WorkloadSnapshot.of(T, Duration.ofSeconds(5), reports), reports);
    }

    @Test
    void theEmptiestGoesFirstKvBreaksTiesAndTheCostIsTheRank() {
        ScaleInRanking r = rank(List.of(
                ready("a", 4.0, 2.0, 0.5),
                ready("b", 3.0, 0.0, 0.2),
                ready("c", 2.0, 1.0, 0.1),
                ready("d", 0.0, 0.0, 0.0)));

        assertThat(r.replicas()).extracting(ScaleInRanking.RankedReplica::pod).containsExactly("d", "c", "b", "a");
        assertThat(r.costs()).containsExactly(Map.entry("d", 0), Map.entry("c", 1), Map.entry("b", 2),
                Map.entry("a", 3));
        assertThat(r.first(2)).extracting(ScaleInRanking.RankedReplica::why)
                .containsExactly("running 0 + waiting 0, kv 0.00", "running 2 + waiting 1, kv 0.10");
    }

    @Test
    void missingDataIsNeverTakenForAnEmptyReplica() {
        ScaleInRanking r = rank(List.of(
                ReplicaReport.readyMissing("silent"),
                ReplicaReport.notReady("starting"),
                ready("no-running", null, 0.0, 0.0),
                ready("busy", 200.0, 40.0, 0.9)));

        assertThat(r.replicas()).extracting(ScaleInRanking.RankedReplica::pod)
                .containsExactly("busy", "no-running", "silent", "starting");
        assertThat(r.replicas().get(1).why()).isEqualTo("load unknown (running or waiting not reported), kept");
        assertThat(r.replicas().get(2).why()).contains("no fresh signals");
        assertThat(r.replicas().get(3).why()).contains("not ready");
    }

    @Test
    void aReportOutsideTheSnapshotIsRefusedByName() {
        WorkloadSnapshot empty = WorkloadSnapshot.of(T, Duration.ofSeconds(5), List.of());
        assertThatThrownBy(() -> ScaleInRanking.of(empty, List.of(ReplicaReport.notReady("ghost"))))
                .hasMessageContaining("'ghost'");
    }
}
