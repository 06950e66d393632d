package dev.headroom.evaluation;

import dev.headroom.autoscaler.policy.PolicySpec;
import dev.headroom.autoscaler.policy.ScaleDownVoting;
import dev.headroom.signals.Signal;
import dev.headroom.signals.WindowConfig;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.SimRequest;
import dev.headroom.simulator.cluster.ClusterConfig;
import dev.headroom.simulator.cluster.ClusterRun;
import dev.headroom.simulator.cluster.ClusterSimulator;
import dev.headroom.simulator.cluster.ReplicaLifetime;
import dev.headroom.simulator.cluster.ScaleEvent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The HPA's external-metric arithmetic as KEDA and WVA drive it, on a real simulated cluster. */
class ExternalMetricControllerTest {

    private static final ClusterConfig CLUSTER = ClusterConfig.of(EngineConfig.llama31_8bH100())
            .withReplicas(1, 1, 8).withColdStartSeconds(90).withControlIntervalSeconds(15)
            .withScrapeIntervalSeconds(5);
    private static final PolicySpec HPA = PolicySpec.of(1, 8).withScaleDownVoting(ScaleDownVoting.EVERY_SIGNAL);
    private static final WindowConfig WINDOW = WindowConfig.forScrapeInterval(Duration.ofSeconds(5), Contender.SPAN);

    /** A light, steady load: one short request every two seconds for {@code seconds}. */
    private static List<SimRequest> light(double seconds) {
        List<SimRequest> out = new ArrayList<>();
        for (int i = 0; i * 2.0 < seconds; i++) {
            out.add(new SimRequest(i, i * 2.0, 200, 20));
        }
        return out;
    }

    @Test
    void theHpaAsksForTheExternalValueOverTheTargetRoundedUp() {
        ExternalMetricController c = new ExternalMetricController(HPA, Signal.QUEUE, 5, 30, WINDOW,
                snapshot -> OptionalDouble.of(12));
        ClusterRun run = new ClusterSimulator(CLUSTER).run(light(400), c);
        assertThat(run.scaleEvents()).extracting(ScaleEvent::to).containsExactly(3);
        assertThat(c.lastValue()).hasValue(12);
    }

    @Test
    void anUnreadableMetricHoldsTheCount() {
        ExternalMetricController c = new ExternalMetricController(HPA, Signal.QUEUE, 5, 30, WINDOW,
                snapshot -> OptionalDouble.empty());
        ClusterRun run = new ClusterSimulator(CLUSTER.withReplicas(2, 1, 8)).run(light(400), c);
        assertThat(run.scaleEvents()).isEmpty();
    }

    @Test
    void theMetricIsReadOncePerPollingIntervalAfterTheWarmUp() {
        AtomicInteger reads = new AtomicInteger();
        ExternalMetricController c = new ExternalMetricController(HPA, Signal.QUEUE, 5, 30, WINDOW, snapshot -> {
            reads.incrementAndGet();
            return ExternalMetricController.sum(snapshot, Signal.QUEUE);
        });
        new ClusterSimulator(CLUSTER).run(light(400), c);
        // Control ticks every 15 s from the 60 s warm-up to ~400 s: 23 ticks, a read at every other one.
        assertThat(reads.get()).isBetween(11, 13);
    }

    @Test
    void theKedaBaselineReadsTheSidecarsQueueAndScalesAnOverloadedReplicaUp() {
        List<SimRequest> heavy = new ArrayList<>();
        for (int i = 0; i < 40 * 300; i++) {
            heavy.add(new SimRequest(i, i / 40.0, 1000, 200));
        }
        ClusterRun run = new ClusterSimulator(CLUSTER).run(heavy,
                Baselines.keda(CLUSTER, 1).controller().get());
        assertThat(run.scaleEvents()).isNotEmpty();
        assertThat(run.scaleEvents().get(0).to()).isGreaterThan(1);
    }

    @Test
    void wvaEmitsTheArrivalRateOverItsMaxRateRoundedUp() {
        assertThat(Baselines.desired(OptionalDouble.of(10), 3)).hasValue(4);
        assertThat(Baselines.desired(OptionalDouble.of(9), 3)).hasValue(3);
        assertThat(Baselines.desired(OptionalDouble.empty(), 3)).isEmpty();
    }

    @Test
    void everyReplicaIsBilledFromItsRequestWithItsColdStart() {
        // The accounting every policy is judged by: a replica asked for at 60 s, ready at 150 s, is billed
        // from 60 s.
        ExternalMetricController c = new ExternalMetricController(HPA, Signal.QUEUE, 5, 30, WINDOW,
                snapshot -> OptionalDouble.of(10));
        ClusterRun run = new ClusterSimulator(CLUSTER).run(light(400), c);
        ReplicaLifetime added = run.replicas().get(1);
        assertThat(added.requestedAtSeconds()).isCloseTo(60, within(1e-9));
        assertThat(added.readyAtSeconds()).isCloseTo(150, within(1e-9));
        assertThat(added.billedSeconds()).isCloseTo(added.stoppedAtSeconds() - 60, within(1e-9));
        double billed = run.replicas().stream().mapToDouble(ReplicaLifetime::billedSeconds).sum();
        assertThat(run.gpuHours()).isCloseTo(billed / 3600, within(1e-12));
    }
}
