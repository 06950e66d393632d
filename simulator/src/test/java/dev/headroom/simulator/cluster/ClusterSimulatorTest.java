package dev.headroom.simulator.cluster;

import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.LengthRange;
import dev.headroom.simulator.SimRequest;
import dev.headroom.simulator.Workload;
import dev.headroom.simulator.trace.Replay;
import dev.headroom.simulator.trace.ReplayOptions;
import dev.headroom.simulator.trace.Rescale;
import dev.headroom.simulator.trace.TraceReplay;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ClusterSimulatorTest {

    private static final EngineConfig H100 = EngineConfig.llama31_8bH100();

    private static List<SimRequest> poisson(double rate, double seconds, long seed) {
        return Workload.poisson(rate, seconds, new LengthRange(200, 2000), new LengthRange(50, 400), seed);
    }

    /** Answers from a script: {@code replicas[i]} from {@code times[i]} seconds on. */
    private static ReplicaController script(double[] times, int[] replicas) {
        return view -> {
            int want = replicas[0];
            for (int i = 0; i < times.length; i++) {
                if (view.nowSeconds() >= times[i]) {
                    want = replicas[i];
                }
            }
            return want;
        };
    }

    @Test
    void theSameInputsGiveTheSameRunAndAnotherBalancerDoesNot() {
        List<SimRequest> requests = poisson(30, 300, 3);
        ClusterConfig config = ClusterConfig.of(H100).withReplicas(1, 1, 8).withColdStartSeconds(30);
        ClusterRun a = new ClusterSimulator(config).run(requests, new LoadPerReplicaController(100));
        ClusterRun b = new ClusterSimulator(config).run(requests, new LoadPerReplicaController(100));
        ClusterRun c = new ClusterSimulator(config.withBalancer(Balancer.ROUND_ROBIN))
                .run(requests, new LoadPerReplicaController(100));
        assertThat(a).isEqualTo(b);
        assertThat(a.scaleEvents()).isNotEmpty();
        assertThat(c.requests()).isNotEqualTo(a.requests());
        assertThat(a.requests()).hasSize(requests.size()).doesNotContainNull();
        assertThat(a.requests()).extracting(ServedRequest::id)
                .containsExactlyElementsOf(requests.stream().map(SimRequest::id).toList());
    }

    @Test
    void aNewReplicaServesOnlyAfterItsColdStartAndIsBilledFromItsRequest() {
        List<SimRequest> requests = poisson(20, 400, 5);
        ClusterConfig config = ClusterConfig.of(H100).withReplicas(1, 1, 4).withColdStartSeconds(90);
        ClusterRun run = new ClusterSimulator(config).run(requests, script(new double[] {15}, new int[] {2}));

        ReplicaLifetime second = run.replicas().get(1);
        assertThat(second.requestedAtSeconds()).isEqualTo(15.0);
        assertThat(second.readyAtSeconds()).isEqualTo(105.0);
        assertThat(run.requests()).filteredOn(r -> r.replica() == 1)
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.dispatchSeconds()).isGreaterThanOrEqualTo(105.0));
        assertThat(run.requests()).filteredOn(r -> r.arrivalSeconds() >= 106)
                .anySatisfy(r -> assertThat(r.replica()).isEqualTo(1));
        for (ClusterSample s : run.series()) {
            if (s.timeSeconds() > 15 && s.timeSeconds() < 105) {
                assertThat(s.starting()).as("at %s s", s.timeSeconds()).isEqualTo(1);
                assertThat(s.ready()).isEqualTo(1);
            } else if (s.timeSeconds() >= 105) {
                assertThat(s.ready()).isEqualTo(2);
            }
        }
        assertThat(run.replicaSeconds()).isCloseTo(run.endSeconds() + (run.endSeconds() - 15), within(1e-9));
    }

    @Test
    void gpuHoursAreReplicaSecondsTimesGpusForAHandComputedRun() {
        // Replica 0 runs from 0 to the end; replica 1 is requested at 15 s, ready at 105 s and, idle, removed at
        // 300 s: 285 s. With 4 GPUs per replica: (end + 285) × 4 ÷ 3600 GPU-hours.
        List<SimRequest> requests = List.of(new SimRequest(0, 0, 100, 10), new SimRequest(1, 600, 100, 10));
        ClusterConfig config = ClusterConfig.of(H100).withReplicas(1, 1, 4).withGpusPerReplica(4);
        ClusterRun run = new ClusterSimulator(config)
                .run(requests, script(new double[] {15, 300}, new int[] {2, 1}));

        ServedRequest last = run.requests().get(1);
        assertThat(run.endSeconds()).isEqualTo(last.finishSeconds());
        assertThat(last.finishSeconds()).isBetween(600.0, 601.0);
        assertThat(run.replicas()).containsExactly(
                new ReplicaLifetime(0, 0, 0, Double.NaN, run.endSeconds(), 2),
                new ReplicaLifetime(1, 15, 105, 300, 300, 0));
        assertThat(run.scaleEvents()).containsExactly(new ScaleEvent(15, 1, 2), new ScaleEvent(300, 2, 1));
        assertThat(run.replicaSeconds()).isEqualTo(run.endSeconds() + 285);
        assertThat(run.gpuHours()).isEqualTo((run.endSeconds() + 285) * 4 / 3600.0);
    }

    /** Scales 2 → 1 at 15 s; sets {@code costs} on the replicas when it does. */
    private static ReplicaController downAt15(java.util.Map<String, Integer> costs) {
        return new ReplicaController() {
            boolean marked;

            @Override
            public int desiredReplicas(ClusterView view) {
                marked = view.nowSeconds() >= 15;
                return marked ? 1 : 2;
            }

            @Override
            public java.util.Map<String, Integer> deletionCosts() {
                return marked ? costs : java.util.Map.of();
            }
        };
    }

    /** Replica 0 gets short requests, replica 1 (the newer) long ones, alternately, all before 15 s. */
    private static List<SimRequest> shortAndLong() {
        List<SimRequest> requests = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            requests.add(new SimRequest(i, i * 0.5, 500, i % 2 == 0 ? 20 : 3000));
        }
        return requests;
    }

    @Test
    void withoutCostsTheNewestGoesAndWhatItHoldsPastTheGracePeriodIsLost() {
        ClusterConfig config = ClusterConfig.of(H100).withReplicas(2, 1, 2).withBalancer(Balancer.ROUND_ROBIN)
                .withTerminationGraceSeconds(5);
        ClusterRun run = new ClusterSimulator(config).run(shortAndLong(), downAt15(java.util.Map.of()));

        assertThat(run.replicas().get(1).drainedFromSeconds()).isEqualTo(15.0);
        assertThat(run.replicas().get(1).stoppedAtSeconds()).as("cut at the end of its grace period").isEqualTo(20.0);
        // 3,000 tokens at ~8 ms each take ~24 s: none of the ten long requests is done 5 s after the scale-in.
        assertThat(run.lost()).hasSize(10).allSatisfy(l -> {
            assertThat(l.replica()).isEqualTo(1);
            assertThat(l.cutSeconds()).isEqualTo(20.0);
            assertThat(l.cutOff()).as("streams cut mid-generation").isTrue();
        });
        assertThat(run.cutOff()).isEqualTo(10);
        assertThat(run.requests()).hasSize(10).doesNotContainNull();
        assertThat(run.offered()).isEqualTo(20);
        assertThat(run.sloAttainment(100, 100)).as("a lost request meets no SLO").isEqualTo(0.5);
    }

    @Test
    void theLowestDeletionCostGoesFirstAndAnUnboundedGracePeriodLosesNothing() {
        ClusterConfig config = ClusterConfig.of(H100).withReplicas(2, 1, 2).withBalancer(Balancer.ROUND_ROBIN)
                .withTerminationGraceSeconds(5);
        // Replica 0 holds the short requests, long done by 15 s: marked lowest, it goes instead of the newest.
        ClusterRun run = new ClusterSimulator(config).run(shortAndLong(),
                downAt15(java.util.Map.of("replica-0", 0, "replica-1", 1)));

        assertThat(run.replicas().get(0).drainedFromSeconds()).isEqualTo(15.0);
        assertThat(run.replicas().get(0).stoppedAtSeconds()).as("empty, it stops at once").isEqualTo(15.0);
        assertThat(run.replicas().get(1).drainedFromSeconds()).isNaN();
        assertThat(run.lost()).isEmpty();
        assertThat(run.requests()).hasSize(20);

        ClusterRun unbounded = new ClusterSimulator(config.withTerminationGraceSeconds(ClusterConfig.UNBOUNDED_GRACE))
                .run(shortAndLong(), downAt15(java.util.Map.of()));
        assertThat(unbounded.lost()).isEmpty();
        assertThat(unbounded.replicas().get(1).stoppedAtSeconds()).isGreaterThan(30.0);
        assertThatThrownBy(() -> config.withTerminationGraceSeconds(-1))
                .hasMessageContaining("terminationGraceSeconds must be >= 0");
    }

    @Test
    void aReplicaScaledAwayDrainsWhatItHoldsAndTakesNothingNew() {
        List<SimRequest> requests = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            requests.add(new SimRequest(i, i * 0.5, 1000, 2000));
        }
        ClusterConfig config = ClusterConfig.of(H100).withReplicas(2, 1, 2).withBalancer(Balancer.ROUND_ROBIN);
        List<Integer> seenAfter = new ArrayList<>();
        ReplicaController controller = view -> {
            if (view.nowSeconds() > 15) {
                seenAfter.add(view.currentReplicas());
            }
            return view.nowSeconds() >= 15 ? 1 : 2;
        };
        ClusterRun run = new ClusterSimulator(config).run(requests, controller);

        ReplicaLifetime drained = run.replicas().get(1);
        assertThat(drained.drainedFromSeconds()).isEqualTo(15.0);
        List<ServedRequest> onIt = run.requests().stream().filter(r -> r.replica() == 1).toList();
        assertThat(onIt).hasSize(15).allSatisfy(r -> assertThat(r.dispatchSeconds()).isLessThan(15.0));
        double lastFinish = onIt.stream().mapToDouble(ServedRequest::finishSeconds).max().orElseThrow();
        assertThat(lastFinish).as("it finished its requests after the scale-down").isGreaterThan(15.0);
        assertThat(drained.stoppedAtSeconds()).isEqualTo(lastFinish);
        assertThat(run.requests()).filteredOn(r -> r.arrivalSeconds() >= 15)
                .allSatisfy(r -> assertThat(r.replica()).isZero());
        assertThat(seenAfter).containsOnly(1);
        assertThat(run.series()).filteredOn(s -> s.timeSeconds() > 15 && s.timeSeconds() < lastFinish)
                .allSatisfy(s -> assertThat(s.draining()).isEqualTo(1));
    }

    @Test
    void roundRobinTakesTurnsWhateverTheLoad() {
        List<SimRequest> requests = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            requests.add(new SimRequest(i, i, 100, i == 0 ? 5000 : 5));
        }
        ClusterConfig config = ClusterConfig.of(H100).withReplicas(3, 1, 3).withBalancer(Balancer.ROUND_ROBIN);
        ClusterRun run = new ClusterSimulator(config).run(requests, Controllers.fixed(3));
        assertThat(run.requests()).extracting(ServedRequest::replica).containsExactly(0, 1, 2, 0, 1, 2, 0);
    }

    @Test
    void leastRequestsAvoidsTheBusyReplica() {
        List<SimRequest> requests = new ArrayList<>();
        requests.add(new SimRequest(0, 0, 100, 5000));
        for (int i = 1; i < 6; i++) {
            requests.add(new SimRequest(i, i, 100, 5)); // each done well before the next
        }
        ClusterConfig config = ClusterConfig.of(H100).withReplicas(2, 1, 2).withBalancer(Balancer.LEAST_REQUESTS);
        ClusterRun run = new ClusterSimulator(config).run(requests, Controllers.fixed(2));
        assertThat(run.requests()).extracting(ServedRequest::replica).containsExactly(0, 1, 1, 1, 1, 1);
    }

    @Test
    void kvAwarePrefersTheEmptierCacheWhereLeastRequestsCountsHeads() {
        List<SimRequest> requests = List.of(
                new SimRequest(0, 0.000, 6000, 500),  // replica 0: ~375 blocks
                new SimRequest(1, 0.001, 10, 500),    // replica 1: 1 block
                new SimRequest(2, 0.002, 10, 500));   // 1 request each: the tie-break decides
        ClusterConfig config = ClusterConfig.of(H100).withReplicas(2, 1, 2);
        ClusterRun least = new ClusterSimulator(config.withBalancer(Balancer.LEAST_REQUESTS))
                .run(requests, Controllers.fixed(2));
        ClusterRun kv = new ClusterSimulator(config.withBalancer(Balancer.KV_AWARE))
                .run(requests, Controllers.fixed(2));
        assertThat(least.requests()).extracting(ServedRequest::replica).containsExactly(0, 1, 0);
        assertThat(kv.requests()).extracting(ServedRequest::replica).containsExactly(0, 1, 1);
    }

    @Test
    void theViewShowsWhatASidecarWouldScrapeAndDiesWithItsCall() {
        List<SimRequest> requests = poisson(25, 120, 9);
        ClusterConfig config = ClusterConfig.of(H100).withReplicas(1, 1, 3).withScrapeIntervalSeconds(5);
        AtomicReference<ClusterView> kept = new AtomicReference<>();
        List<String> checks = new ArrayList<>();
        int[] observed = {0};
        ReplicaController controller = new ReplicaController() {
            @Override
            public int desiredReplicas(ClusterView view) {
                kept.set(view);
                for (ReplicaView r : view.replicas()) {
                    if (r.ready()) {
                        String text = r.exposition().orElseThrow();
                        assertThat(text).contains("vllm:num_requests_running{engine=\"0\",model_name=\""
                                + H100.modelName() + "\"} " + r.runningRequests() + ".0\n");
                        assertThat(text).contains("vllm:num_requests_waiting{engine=\"0\",model_name=\""
                                + H100.modelName() + "\"} " + r.waitingRequests() + ".0\n");
                        assertThat(r.exposition()).containsSame(text); // rendered once per tick
                        assertThat(r.gpuUtilization().orElseThrow()).isBetween(0.0, 1.0);
                        checks.add("ready " + r.name());
                    } else {
                        assertThat(r.exposition()).isEqualTo(Optional.empty());
                        assertThat(r.gpuUtilization()).isEmpty();
                        checks.add("starting " + r.name());
                    }
                }
                return 2;
            }

            @Override
            public void observe(ClusterView view) {
                observed[0]++;
            }
        };
        ClusterRun run = new ClusterSimulator(config).run(requests, controller);
        assertThat(checks).contains("ready replica-0", "starting replica-1", "ready replica-1");
        assertThat(observed[0]).isEqualTo((int) Math.floor(run.endSeconds() / 5));
        assertThatThrownBy(() -> kept.get().replicas()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("used after the call");
        assertThat(run.series().get(0).arrivalRate()).isCloseTo(25, within(8.0));
    }

    @Test
    void requestsTheEngineWouldRejectAreRefusedUpFront() {
        ClusterSimulator sim = new ClusterSimulator(ClusterConfig.of(EngineConfig.demo()));
        assertThatThrownBy(() -> sim.run(List.of(new SimRequest(7, 0, 2000, 100)), Controllers.fixed(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("request 7")
                .hasMessageContaining("maxModelLen 2048");
        assertThatThrownBy(() -> sim.run(List.of(new SimRequest(0, 5, 10, 10), new SimRequest(1, 1, 10, 10)),
                Controllers.fixed(1))).hasMessageContaining("sorted by arrival");
    }

    @Test
    void theAzureHourAtAPeakNeedingFourReplicasRunsInSeconds() throws Exception {
        dev.headroom.simulator.trace.Trace azure;
        try (InputStream in = getClass().getResourceAsStream("/traces/azure-llm-conv-2023.csv")) {
            azure = dev.headroom.simulator.trace.TraceReader.readCsv(
                    new InputStreamReader(in, StandardCharsets.UTF_8), "azure");
        }
        Replay replay = TraceReplay.prepare(azure, ReplayOptions.whole(H100.maxModelLen())
                .withRescale(Rescale.targetPeakRate(70, 60)).repeatedUntil(3600));
        ClusterConfig config = ClusterConfig.of(H100).withReplicas(1, 1, 16);
        LoadPerReplicaController controller = new LoadPerReplicaController(200);
        long start = System.nanoTime();
        ClusterRun run = new ClusterSimulator(config).run(replay.requests(), controller);
        double wall = (System.nanoTime() - start) / 1e9;

        assertThat(replay.requests().size()).isGreaterThan(150_000);
        assertThat(run.series()).hasSizeGreaterThanOrEqualTo(240);
        assertThat(controller.maxSeen).isGreaterThanOrEqualTo(4);
        assertThat(run.requests()).doesNotContainNull();
        assertThat(wall).as("wall seconds for one simulated hour").isLessThan(15.0);
    }
}
