package dev.headroom.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.autoscaler.policy.ReplicaReport;
import dev.headroom.collectors.engine.DialectRegistry;
import dev.headroom.collectors.engine.SampleReader;
import dev.headroom.signals.Signal;
import dev.headroom.signals.WindowConfig;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.LengthRange;
import dev.headroom.simulator.Workload;
import dev.headroom.simulator.cluster.ClusterConfig;
import dev.headroom.simulator.cluster.ClusterSimulator;
import dev.headroom.simulator.cluster.ClusterView;
import dev.headroom.simulator.cluster.ReplicaController;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulated sidecars on a real simulated cluster: each replica's exposition read as a sidecar reads it. */
class SimulatedSidecarsTest {

    /** Two replicas under steady load; the sidecars observe every scrape tick, the reports are kept at each control tick. */
    private static List<List<ReplicaReport>> run(SimulatedSidecars sidecars) {
        List<List<ReplicaReport>> reports = new ArrayList<>();
        VirtualClock clock = new VirtualClock();
        ReplicaController controller = new ReplicaController() {
            @Override
            public void observe(ClusterView view) {
                sidecars.scrape(view, clock.set(view.nowSeconds()));
            }

            @Override
            public int desiredReplicas(ClusterView view) {
                Instant at = clock.set(view.nowSeconds());
                reports.add(sidecars.reports(view, at));
                return 2;
            }
        };
        ClusterConfig config = ClusterConfig.of(EngineConfig.llama31_8bH100()).withReplicas(2, 1, 2);
        new ClusterSimulator(config).run(Workload.poisson(20, 120, new LengthRange(200, 2000),
                new LengthRange(50, 400), 7), controller);
        return reports;
    }

    @Test
    void theSimulatedExpositionIsDetectedAsVllmAndEveryReadyReplicaReportsSignals() {
        SimulatedSidecars sidecars = new SimulatedSidecars(WindowConfig.defaults());
        List<List<ReplicaReport>> reports = run(sidecars);
        List<ReplicaReport> last = reports.get(reports.size() - 1);
        assertThat(sidecars.parsed()).isPositive();
        assertThat(sidecars.failed()).isZero();
        assertThat(last).hasSize(2).allSatisfy(r -> {
            assertThat(r.ready()).isTrue();
            assertThat(r.signals()).hasValueSatisfying(s -> {
                assertThat(s.engine().dialect()).isEqualTo("vllm-v1");
                assertThat(s.get(Signal.RUNNING)).isPresent();
                assertThat(s.get(Signal.KV_UTILIZATION)).isPresent();
            });
        });
    }

    @Test
    void anExpositionNoDialectRecognisesAddsNothingAndIsCounted() {
        SimulatedSidecars sidecars = new SimulatedSidecars(WindowConfig.defaults(),
                new SampleReader(DialectRegistry.of()));
        List<List<ReplicaReport>> reports = run(sidecars);
        assertThat(sidecars.parsed()).isZero();
        assertThat(sidecars.failed()).isPositive();
        assertThat(reports.get(reports.size() - 1)).hasSize(2)
                .allSatisfy(r -> assertThat(r).isEqualTo(ReplicaReport.readyMissing(r.pod())));
    }
}
