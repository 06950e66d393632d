package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicy;
import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicySpec;
import dev.headroom.autoscaler.kubernetes.crd.ScaleDownVotingRule;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.loop.ScaleActuator;
import dev.headroom.autoscaler.loop.ScaleException;
import dev.headroom.autoscaler.loop.ScaleTarget;
import dev.headroom.autoscaler.policy.DecisionReason;
import dev.headroom.autoscaler.policy.LoadForecast;
import dev.headroom.autoscaler.policy.ScaleDownVoting;
import dev.headroom.autoscaler.policy.SignalOutcome;
import dev.headroom.autoscaler.policy.HpaCompatiblePolicy;
import dev.headroom.signals.ManualClock;
import dev.headroom.signals.Signal;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The controller against fabric8's Kubernetes server in CRUD mode (plus the scale subresource), real sidecars. */
class HeadroomControllerTest {

    static final String NS = "llm";

    final ScaleSubresourceDispatcher dispatcher = new ScaleSubresourceDispatcher();
    final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T10:00:00Z"));
    final List<SidecarStandIn> sidecars = new ArrayList<>();
    final List<Duration> waits = new ArrayList<>();
    KubernetesMockServer server;
    KubernetesClient client;
    ExecutorService executor;
    HeadroomController controller;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        // fabric8 retries 5xx answers itself by default; off, so that the actuator's own backoff is what runs.
        client = server.createClient(b -> b.editOrNewConfig().withRequestRetryBackoffLimit(0).endConfig());
        executor = Executors.newFixedThreadPool(4);
    }

    @AfterEach
    void stop() {
        if (controller != null) {
            controller.close();
        }
        sidecars.forEach(SidecarStandIn::close);
        client.close();
        server.destroy();
        executor.shutdownNow();
    }

    HeadroomController controller(LeadershipCheck leadership) {
        return controller(leadership, DecisionListener.NONE);
    }

    HeadroomController controller(LeadershipCheck leadership, DecisionListener listener) {
        HeadroomController c = new HeadroomController(client,
                new HeadroomController.Settings(Optional.of(NS), Duration.ofSeconds(1), Duration.ofSeconds(5),
                        Duration.ofSeconds(30)),
                clock, new HpaCompatiblePolicy(clock),
                new KubernetesScaleActuator(client, Backoff.defaults(), waits::add),
                new SidecarPoller(Duration.ofMillis(500), clock, executor), leadership,
                new EventRecorder(client, clock, "controller-0"), listener);
        c.watch();
        return c;
    }

    void deployment(int replicas) {
        Workloads.deployment(client, NS, "engine", replicas);
    }

    /** A pod whose sidecar is {@code sidecar}; ready = Ready condition True; started {@code startedAgo} ago. */
    void pod(String name, SidecarStandIn sidecar, boolean ready, Duration startedAgo) {
        Workloads.pod(client, NS, name, "engine", sidecar.port(), ready, clock.instant().minus(startedAgo));
    }

    SidecarStandIn sidecar(Map<Signal, Double> values) throws Exception {
        SidecarStandIn s = new SidecarStandIn();
        s.serve(values);
        sidecars.add(s);
        return s;
    }

    HeadroomPolicy policy(ScalingMode mode, int min, int max) {
        return Workloads.policy(client, NS, "engine",
                Workloads.spec("engine", mode, min, max, Map.of("queue", 4.0, "kv_utilization", 0.8)));
    }

    /** Ticks until a decision accounts for {@code pods} pods (the informers have caught up); returns it. */
    WorkloadDecision decideWith(int pods) {
        await().atMost(Duration.ofSeconds(10)).until(() -> controller.watchedPolicies() == 1);
        List<WorkloadDecision> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<WorkloadDecision> made = controller.tick();
            assertThat(made).hasSize(1);
            ScalingDecisionCounts c = new ScalingDecisionCounts(made.get(0));
            if (c.pods() == pods) {
                seen.add(made.get(0));
                return true;
            }
            assertThat(made.get(0).acted()).as("no action before every pod is seen").isFalse();
            return false;
        });
        return seen.get(0);
    }

    record ScalingDecisionCounts(WorkloadDecision d) {
        int pods() {
            return d.decision().readyFresh() + d.decision().readyMissing() + d.decision().notReady();
        }
    }

    int replicas() {
        return client.apps().deployments().inNamespace(NS).withName("engine").get().getSpec().getReplicas();
    }

    List<Event> events() {
        return client.v1().events().inNamespace(NS).list().getItems();
    }

    HeadroomPolicy stored() {
        return client.resources(HeadroomPolicy.class).inNamespace(NS).withName("engine").get();
    }

    @Test
    void eachTickIsToldWithItsStartItsEndAndItsWorkloadsAfterItsDecisions() throws Exception {
        deployment(1);
        pod("engine-a", sidecar(Map.of(Signal.QUEUE, 1.0, Signal.KV_UTILIZATION, 0.5)), true, Duration.ofMinutes(5));
        policy(ScalingMode.DRY_RUN, 1, 8);
        List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        controller = controller(LeadershipCheck.ALWAYS, new DecisionListener() {
            @Override
            public void onDecision(WorkloadDecision d) {
                told.add("decision " + d.key().name());
            }

            @Override
            public void onTick(Instant started, Instant ended, int workloads) {
                told.add("tick " + started + " to " + ended + ", " + workloads + " workload(s)");
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> controller.watchedPolicies() == 1);

        controller.tick();

        // The manual clock stands still: the tick starts and ends at its instant.
        assertThat(told).containsExactly("decision engine",
                "tick " + clock.instant() + " to " + clock.instant() + ", 1 workload(s)");
    }

    @Test
    void saturatedSidecarsScaleTheDeploymentUpAndExplainIt() throws Exception {
        deployment(2);
        pod("engine-a", sidecar(Map.of(Signal.QUEUE, 12.0, Signal.KV_UTILIZATION, 0.9)), true, Duration.ofMinutes(5));
        pod("engine-b", sidecar(Map.of(Signal.QUEUE, 12.0, Signal.KV_UTILIZATION, 0.9)), true, Duration.ofMinutes(5));
        policy(ScalingMode.DIRECT, 1, 8);
        controller = controller(LeadershipCheck.ALWAYS);

        WorkloadDecision d = decideWith(2);

        // queue 12 per replica against 4, an alarm: one step (2 → 3), not the HPA's ceil(2 × 12 / 4) = 6; KV 0.9
        // against 0.8 also asks for ceil(2 × 1.125) = 3, and the queue's larger ratio names it.
        assertThat(d.decision().reason()).isEqualTo(DecisionReason.SCALE_UP);
        assertThat(d.decision().desired()).isEqualTo(3);
        assertThat(d.decision().recommended()).isEqualTo(3);
        assertThat(d.decision().input(Signal.QUEUE).orElseThrow().outcome()).isEqualTo(SignalOutcome.STEPPED);
        assertThat(d.acted()).isTrue();
        assertThat(replicas()).isEqualTo(3);
        assertThat(d.decision().input(Signal.QUEUE).orElseThrow().perReplicaValue().getAsDouble()).isEqualTo(12.0);
        assertThat(controller.latest(NS, "engine")).contains(d);
        assertThat(events()).anySatisfy(e -> {
            assertThat(e.getReason()).isEqualTo("ScaledUp");
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("HeadroomPolicy");
            assertThat(e.getMessage()).contains("queue").contains("2 → 3").contains("one step more");
        });
        HeadroomPolicy p = stored();
        assertThat(p.getStatus().desiredReplicas).isEqualTo(3);
        assertThat(p.getStatus().currentReplicas).isEqualTo(3);
        assertThat(p.getStatus().lastDecision.reason).isEqualTo("ScaleUp");
        assertThat(p.getStatus().lastDecision.acted).isTrue();
        assertThat(p.getStatus().lastDecision.dominantSignal).isEqualTo("queue");
        assertThat(p.getStatus().observedGeneration).isEqualTo(p.getMetadata().getGeneration());
        assertThat(p.getStatus().conditions).filteredOn(c -> c.getType().equals("Ready")).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo("Ready");
            assertThat(c.getStatus()).isEqualTo("True");
        });
    }

    @Test
    void aSilentSidecarHoldsTheScaleDownAndNoDataAtAllHolds() throws Exception {
        deployment(3);
        pod("engine-a", sidecar(Map.of(Signal.QUEUE, 0.0, Signal.KV_UTILIZATION, 0.05)), true, Duration.ofMinutes(5));
        pod("engine-b", sidecar(Map.of(Signal.QUEUE, 0.0, Signal.KV_UTILIZATION, 0.05)), true, Duration.ofMinutes(5));
        SidecarStandIn silent = sidecar(Map.of(Signal.QUEUE, 0.0));
        pod("engine-c", silent, true, Duration.ofMinutes(5));
        silent.close(); // connection refused from now on
        policy(ScalingMode.DIRECT, 1, 8);
        controller = controller(LeadershipCheck.ALWAYS);

        WorkloadDecision d = decideWith(3);
        assertThat(d.decision().reason()).isEqualTo(DecisionReason.HELD_MISSING_DATA);
        assertThat(d.decision().readyMissing()).isEqualTo(1);
        assertThat(d.decision().desired()).isEqualTo(3);
        assertThat(replicas()).isEqualTo(3);

        clock.advance(Duration.ofMinutes(10)); // far past the scale-down window: still held
        sidecars.get(0).goStale();
        sidecars.get(1).goStale();
        WorkloadDecision none = controller.tick().get(0);
        assertThat(none.decision().reason()).isEqualTo(DecisionReason.HELD_NO_DATA);
        assertThat(none.acted()).isFalse();
        assertThat(replicas()).isEqualTo(3);
        assertThat(events()).anySatisfy(e -> {
            assertThat(e.getReason()).isEqualTo("Held");
            assertThat(e.getType()).isEqualTo("Warning");
        });
    }

    @Test
    void idleSidecarsScaleDownOnlyAfterTheStabilisationWindow() throws Exception {
        deployment(4);
        SidecarStandIn a = sidecar(Map.of(Signal.QUEUE, 4.0, Signal.KV_UTILIZATION, 0.8));
        SidecarStandIn b = sidecar(Map.of(Signal.QUEUE, 4.0, Signal.KV_UTILIZATION, 0.8));
        pod("engine-a", a, true, Duration.ofMinutes(5));
        pod("engine-b", b, true, Duration.ofMinutes(5));
        pod("engine-c", sidecar(Map.of(Signal.QUEUE, 4.0, Signal.KV_UTILIZATION, 0.8)), true, Duration.ofMinutes(5));
        pod("engine-d", sidecar(Map.of(Signal.QUEUE, 4.0, Signal.KV_UTILIZATION, 0.8)), true, Duration.ofMinutes(5));
        policy(ScalingMode.DIRECT, 1, 8);
        controller = controller(LeadershipCheck.ALWAYS);
        assertThat(decideWith(4).decision().reason()).isEqualTo(DecisionReason.WITHIN_TOLERANCE);

        sidecars.forEach(s -> s.serve(Map.of(Signal.QUEUE, 0.0, Signal.KV_UTILIZATION, 0.2)));
        for (int i = 1; i <= 9; i++) { // up to +270 s: the 300 s window still holds the earlier 4
            clock.advance(Duration.ofSeconds(30));
            WorkloadDecision d = controller.tick().get(0);
            assertThat(d.decision().reason()).as("at +%d s", i * 30).isEqualTo(DecisionReason.STABILISED);
            assertThat(d.decision().recommended()).isEqualTo(1);
            assertThat(replicas()).isEqualTo(4);
        }
        clock.advance(Duration.ofSeconds(31));
        WorkloadDecision down = controller.tick().get(0);
        // kv 0.2 / 0.8 on 4 replicas: ceil(4 × 0.25) = 1.
        assertThat(down.decision().reason()).isEqualTo(DecisionReason.SCALE_DOWN);
        assertThat(down.decision().desired()).isEqualTo(1);
        assertThat(replicas()).isEqualTo(1);
        assertThat(events()).anySatisfy(e -> assertThat(e.getReason()).isEqualTo("ScaledDown"));
    }

    @Test
    void aForecastLeadTimeReachesThePolicysSpec() throws Exception {
        deployment(2);
        pod("engine-a", sidecar(Map.of(Signal.QUEUE, 1.0, Signal.KV_UTILIZATION, 0.5)), true, Duration.ofMinutes(5));
        pod("engine-b", sidecar(Map.of(Signal.QUEUE, 1.0, Signal.KV_UTILIZATION, 0.5)), true, Duration.ofMinutes(5));
        HeadroomPolicySpec spec = Workloads.spec("engine", ScalingMode.DIRECT, 1, 8,
                Map.of("queue", 4.0, "kv_utilization", 0.8));
        spec.forecast = new HeadroomPolicySpec.ForecastSpec();
        spec.forecast.leadTimeSeconds = 105;
        Workloads.policy(client, NS, "engine", spec);
        controller = controller(LeadershipCheck.ALWAYS);

        WorkloadDecision d = decideWith(2);

        assertThat(d.spec().forecast().leadTime()).isEqualTo(Duration.ofSeconds(105));
        assertThat(d.spec().forecast().trendWindow()).isEqualTo(LoadForecast.DEFAULT_TREND_WINDOW);
        assertThat(d.spec().forecast().enabled()).isTrue();
        assertThat(d.spec().scaleDownVoting()).as("unset: Headroom's default").isEqualTo(ScaleDownVoting.LOAD_SIGNALS);
        assertThat(controller.latest(NS, "engine").orElseThrow().spec()).isEqualTo(d.spec());
    }

    /**
     * Three idle pods whose only targeted signal is the queue, with a 30 s scale-down window: the decision on the
     * first tick (the count first seen is remembered for the window, as the HPA does) and the one 31 s later.
     */
    List<WorkloadDecision> idleQueueOverOneWindow(ScaleDownVotingRule voting) throws Exception {
        deployment(3);
        for (String name : List.of("engine-a", "engine-b", "engine-c")) {
            pod(name, sidecar(Map.of(Signal.QUEUE, 0.0)), true, Duration.ofMinutes(5));
        }
        HeadroomPolicySpec spec = Workloads.spec("engine", ScalingMode.DIRECT, 1, 8, Map.of("queue", 4.0));
        spec.scaleDownVoting = voting;
        spec.behavior = new HeadroomPolicySpec.BehaviorSpec();
        spec.behavior.scaleDown = new HeadroomPolicySpec.RulesSpec();
        spec.behavior.scaleDown.stabilizationWindowSeconds = 30;
        Workloads.policy(client, NS, "engine", spec);
        controller = controller(LeadershipCheck.ALWAYS);
        WorkloadDecision first = decideWith(3);
        assertThat(first.acted()).isFalse();
        assertThat(replicas()).isEqualTo(3);
        clock.advance(Duration.ofSeconds(31));
        return List.of(first, controller.tick().get(0));
    }

    @Test
    void everySignalVotingLetsAnEmptyQueueScaleDown() throws Exception {
        List<WorkloadDecision> ds = idleQueueOverOneWindow(ScaleDownVotingRule.EVERY_SIGNAL);

        assertThat(ds.get(0).spec().scaleDownVoting()).isEqualTo(ScaleDownVoting.EVERY_SIGNAL);
        // The HPA's arithmetic: ceil(3 × 0 / 4) = 0; held only by the count first seen, for the first window.
        assertThat(ds.get(0).decision().reason()).isEqualTo(DecisionReason.STABILISED);
        assertThat(ds.get(0).decision().recommended()).isEqualTo(0);
        assertThat(ds.get(0).decision().desired()).isEqualTo(3);
        WorkloadDecision down = ds.get(1);
        // Brought down to minReplicas, the floor of the recommendation 0.
        assertThat(down.decision().reason()).isEqualTo(DecisionReason.AT_MIN);
        assertThat(down.decision().desired()).isEqualTo(1);
        assertThat(down.acted()).isTrue();
        assertThat(replicas()).isEqualTo(1);
    }

    @Test
    void loadSignalsVotingHoldsAnEmptyQueue() throws Exception {
        List<WorkloadDecision> ds = idleQueueOverOneWindow(ScaleDownVotingRule.LOAD_SIGNALS);

        WorkloadDecision after = ds.get(1);
        assertThat(after.spec().scaleDownVoting()).isEqualTo(ScaleDownVoting.LOAD_SIGNALS);
        // An empty queue says "not full", never "how far from full": it abstains, and nothing else votes.
        assertThat(after.decision().input(Signal.QUEUE).orElseThrow().outcome()).isEqualTo(SignalOutcome.QUIET);
        assertThat(after.decision().recommended()).isEqualTo(3);
        assertThat(after.decision().desired()).isEqualTo(3);
        assertThat(after.decision().changes()).isFalse();
        assertThat(after.acted()).isFalse();
        assertThat(replicas()).isEqualTo(3);
    }

    @Test
    void podsNotReadyYetCountAsCapacityOnItsWay() throws Exception {
        deployment(2);
        pod("engine-a", sidecar(Map.of(Signal.QUEUE, 12.0)), true, Duration.ofMinutes(5));
        pod("engine-b", sidecar(Map.of(Signal.QUEUE, 0.0)), true, Duration.ofSeconds(10)); // started 10 s ago
        pod("engine-c", sidecar(Map.of(Signal.QUEUE, 0.0)), false, Duration.ofMinutes(5)); // loading weights
        policy(ScalingMode.DRY_RUN, 1, 8);
        controller = controller(LeadershipCheck.ALWAYS);

        WorkloadDecision d = decideWith(3);
        assertThat(d.decision().notReady()).isEqualTo(2);
        assertThat(d.decision().readyFresh()).isEqualTo(1);
        // The two pods not ready yet report an empty queue; neither is read as idle.
        assertThat(d.decision().input(Signal.QUEUE).orElseThrow().reporting()).isEqualTo(1);
        assertThat(d.decision().input(Signal.QUEUE).orElseThrow().perReplicaValue().getAsDouble()).isEqualTo(12.0);
        // Counted as capacity on its way, they absorb the load: no scale-up for the one busy pod.
        assertThat(d.decision().changes()).isFalse();
    }

    @Test
    void dryRunRecordsTheDecisionWithoutActing() throws Exception {
        deployment(2);
        pod("engine-a", sidecar(Map.of(Signal.QUEUE, 12.0)), true, Duration.ofMinutes(5));
        pod("engine-b", sidecar(Map.of(Signal.QUEUE, 12.0)), true, Duration.ofMinutes(5));
        policy(ScalingMode.DRY_RUN, 1, 8);
        controller = controller(LeadershipCheck.ALWAYS);

        WorkloadDecision d = decideWith(2);
        assertThat(d.decision().desired()).isEqualTo(3);
        assertThat(d.acted()).isFalse();
        assertThat(dispatcher.scaleWrites()).isZero();
        assertThat(replicas()).isEqualTo(2);
        assertThat(events()).anySatisfy(e -> {
            assertThat(e.getReason()).isEqualTo("Recommended");
            assertThat(e.getMessage()).startsWith("[DryRun, ");
        });
        assertThat(stored().getStatus().desiredReplicas).isEqualTo(3);
        assertThat(stored().getStatus().currentReplicas).isEqualTo(2);
    }

    @Test
    void aConflictingWriteIsRetriedOnTheLatestVersion() throws Exception {
        deployment(2);
        pod("engine-a", sidecar(Map.of(Signal.QUEUE, 12.0)), true, Duration.ofMinutes(5));
        pod("engine-b", sidecar(Map.of(Signal.QUEUE, 12.0)), true, Duration.ofMinutes(5));
        policy(ScalingMode.DIRECT, 1, 8);
        controller = controller(LeadershipCheck.ALWAYS);
        dispatcher.touchTargetBeforeNextScaleWrites(2);

        WorkloadDecision d = decideWith(2);

        assertThat(dispatcher.conflictsAnswered()).isEqualTo(2);
        assertThat(d.acted()).isTrue();
        assertThat(replicas()).isEqualTo(3);
        assertThat(waits).as("a conflict is retried at once, after reading again").isEmpty();
        assertThat(client.apps().deployments().inNamespace(NS).withName("engine").get().getMetadata()
                .getAnnotations()).containsKey("touched-by");
    }

    @Test
    void serverErrorsAreRetriedWithBackoffThenReported() throws Exception {
        deployment(2);
        ScaleTarget target = new ScaleTarget("apps/v1", "Deployment", NS, "engine");
        KubernetesScaleActuator actuator = new KubernetesScaleActuator(client,
                new Backoff(4, Duration.ofMillis(100), Duration.ofMillis(250)), waits::add);

        dispatcher.failNextScaleWrites(2);
        ScaleActuator.Scaled scaled = actuator.scale(target, 5);
        assertThat(scaled).isEqualTo(new ScaleActuator.Scaled(2, 5, 3));
        assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(replicas()).isEqualTo(5);

        waits.clear();
        dispatcher.failNextScaleWrites(10);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> actuator.scale(target, 6))
                .isInstanceOfSatisfying(ScaleException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ScaleException.Kind.RETRIES_EXHAUSTED);
                    assertThat(e.attempts()).isEqualTo(4);
                    assertThat(e.getMessage()).contains("HTTP 500");
                });
        assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(250));
        assertThat(replicas()).isEqualTo(5);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> actuator.currentReplicas(
                new ScaleTarget("apps/v1", "Deployment", NS, "missing")))
                .isInstanceOfSatisfying(ScaleException.class,
                        e -> assertThat(e.kind()).isEqualTo(ScaleException.Kind.NOT_FOUND));
    }

    @Test
    void anInvalidPolicyIsNotReadyAndSaysWhy() {
        deployment(2);
        HeadroomPolicy p = new HeadroomPolicy();
        p.getMetadata().setName("engine");
        p.getMetadata().setNamespace(NS);
        HeadroomPolicySpec s = new HeadroomPolicySpec();
        s.scaleTargetRef = new HeadroomPolicySpec.ScaleTargetRef();
        s.scaleTargetRef.kind = "Deployment";
        s.scaleTargetRef.name = "engine";
        s.selector = new LabelSelectorBuilder().addToMatchLabels("app", "engine").build();
        s.maxReplicas = 0;
        s.targets = Map.of("gpu_utilization", 0.9);
        p.setSpec(s);
        client.resources(HeadroomPolicy.class).inNamespace(NS).resource(p).create();
        controller = controller(LeadershipCheck.ALWAYS);
        await().atMost(Duration.ofSeconds(10)).until(() -> controller.watchedPolicies() == 1);

        assertThat(controller.tick()).isEmpty();
        assertThat(controller.all()).isEmpty();
        HeadroomPolicy stored = stored();
        assertThat(stored.getStatus().conditions).filteredOn(c -> c.getType().equals("Ready")).singleElement().satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("InvalidPolicy");
            assertThat(c.getMessage()).contains("spec.maxReplicas").contains("gpu_utilization");
        });
        assertThat(events()).singleElement().satisfies(e -> assertThat(e.getReason()).isEqualTo("InvalidPolicy"));
        controller.tick();
        assertThat(events()).as("the same problem is told once").hasSize(1);
    }

    @Test
    void onlyTheLeaderActsAndAnotherTakesOverWhenItGoes() throws Exception {
        deployment(2);
        pod("engine-a", sidecar(Map.of(Signal.QUEUE, 12.0)), true, Duration.ofMinutes(5));
        pod("engine-b", sidecar(Map.of(Signal.QUEUE, 12.0)), true, Duration.ofMinutes(5));
        policy(ScalingMode.DIRECT, 1, 8);
        LeaderElection.Settings timing = new LeaderElection.Settings(NS, "headroom-controller", "one",
                Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200));
        LeaderElection one = new LeaderElection(client, timing, executor);
        LeaderElection two = new LeaderElection(client, new LeaderElection.Settings(NS, "headroom-controller", "two",
                Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200)), executor);
        try {
            one.start();
            await().atMost(Duration.ofSeconds(10)).until(one::isLeader);
            two.start();
            HeadroomController first = controller(one);
            HeadroomController second = controller(two);
            controller = first;
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> second.watchedPolicies() == 1
                        && first.watchedPolicies() == 1);
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    WorkloadDecision f = second.tick().get(0);
                    assertThat(f.acted()).as("the follower never acts").isFalse();
                    return f.decision().readyFresh() == 2;
                });
                assertThat(replicas()).isEqualTo(2);
                await().atMost(Duration.ofSeconds(10)).until(() -> first.tick().get(0).acted());
                assertThat(two.isLeader()).isFalse();
                assertThat(replicas()).as("the leader scaled").isEqualTo(3);
                sidecars.forEach(s -> s.serve(Map.of(Signal.QUEUE, 30.0)));
                WorkloadDecision follower = second.tick().get(0);
                assertThat(follower.decision().changes()).isTrue();
                assertThat(follower.acted()).as("a follower decides but never acts").isFalse();
                assertThat(replicas()).isEqualTo(3);

                one.close(); // releases the Lease
                await().atMost(Duration.ofSeconds(10)).until(two::isLeader);
                assertThat(one.isLeader()).isFalse();
                assertThat(client.leases().inNamespace(NS).withName("headroom-controller").get().getSpec()
                        .getHolderIdentity()).isEqualTo("two");
                clock.advance(Duration.ofSeconds(20)); // past the scale-up rate period
                WorkloadDecision taken = second.tick().get(0);
                assertThat(taken.acted()).isTrue();
                assertThat(replicas()).as("one more alarm step").isEqualTo(4);
            } finally {
                second.close();
            }
        } finally {
            one.close();
            two.close();
        }
    }
}
