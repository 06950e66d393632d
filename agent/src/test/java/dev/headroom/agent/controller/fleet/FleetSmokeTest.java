package dev.headroom.agent.controller.fleet;

import dev.headroom.agent.controller.ControllerRun;
import dev.headroom.autoscaler.kubernetes.WorkloadDecision;
import dev.headroom.autoscaler.kubernetes.WorkloadKey;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.kubernetes.crd.SignalSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fleet benchmark's set-up, small: 50 pods in three workloads (20, 20, 10) on one loopback port, followed by the
 * production controller ({@link ControllerRun}) in each source mode. Every workload is decided, every one of its
 * pods with fresh data, and the probe the benchmark measures with sees the ticks and the data's ages. Nothing here
 * is timed: the figures are {@code src/e2e/fleet-bench.sh}'s.
 */
class FleetSmokeTest {

    @ParameterizedTest
    @EnumSource(SignalSource.class)
    void everyWorkloadIsDecidedOnFreshDataFromEveryPod(SignalSource source) throws Exception {
        try (FleetFixture fleet = FleetFixture.start(50, source, ScalingMode.DRY_RUN)) {
            assertThat(fleet.workloads()).isEqualTo(3);
            assertThat(fleet.ports()).isEqualTo(1);
            FleetProbe probe = new FleetProbe();
            probe.startRecording();
            try (ControllerRun run = ControllerRun.start(fleet.client(),
                    new FleetControllerConfig(Duration.ofMillis(250)), new SimpleMeterRegistry(), probe)) {
                Map<String, Integer> podsOf = Map.of(FleetFixture.workloadName(0), 20, FleetFixture.workloadName(1),
                        20, FleetFixture.workloadName(2), 10);
                // With source: engine the rates need two scrapes; a pod is fresh from its first.
                await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                    Map<WorkloadKey, WorkloadDecision> latest = probe.latest();
                    assertThat(latest.keySet()).extracting(WorkloadKey::name)
                            .containsExactlyInAnyOrderElementsOf(podsOf.keySet());
                    latest.forEach((key, d) -> {
                        assertThat(d.decision().readyFresh()).as("%s fresh", key).isEqualTo(podsOf.get(key.name()));
                        assertThat(d.decision().readyMissing()).as("%s missing", key).isZero();
                        assertThat(d.decision().notReady()).as("%s not ready", key).isZero();
                    });
                    // The tick that made them is over, and said so.
                    assertThat(probe.ticks().count()).as("ticks seen").isPositive();
                });
                assertThat(probe.ages().count()).as("pod readings seen").isGreaterThanOrEqualTo(50);
                assertThat(probe.ages().quantileSeconds(0.0)).as("no data from the future").isGreaterThanOrEqualTo(0);
                assertThat(fleet.answered()).as("requests the pods answered").isGreaterThanOrEqualTo(50);
            }
        }
    }
}
