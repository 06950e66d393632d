package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicy;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.policy.HpaCompatiblePolicy;
import dev.headroom.signals.ManualClock;
import dev.headroom.signals.Signal;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
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
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The controller's loop against failures that used to stop it (issue 14): one policy whose pod watch throws, or
 * whose round throws an {@link Error}, never skips another policy; a leader whose tick stops coming round gives up
 * its Lease. fabric8's Kubernetes server in CRUD mode, real sidecar stand-ins on loopback, a clock moved by hand.
 */
class ControllerLoopTest {

    static final String GOOD = "llm";
    static final String FORBIDDEN = "locked";
    static final String ERRING = "erring";

    final ScaleSubresourceDispatcher dispatcher = new ScaleSubresourceDispatcher();
    final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T10:00:00Z"));
    final List<SidecarStandIn> sidecars = new ArrayList<>();
    KubernetesMockServer server;
    KubernetesClient client;
    ExecutorService executor;
    ScheduledExecutorService watchdog;
    final List<HeadroomController> controllers = new ArrayList<>();

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient(b -> b.editOrNewConfig().withRequestRetryBackoffLimit(0).endConfig());
        executor = Executors.newFixedThreadPool(4);
        watchdog = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() {
        controllers.forEach(HeadroomController::close);
        sidecars.forEach(SidecarStandIn::close);
        client.close();
        server.destroy();
        executor.shutdownNow();
        watchdog.shutdownNow();
    }

    HeadroomController controller(Optional<String> namespace, LeadershipCheck leadership, DecisionListener listener) {
        HeadroomController c = new HeadroomController(client,
                new HeadroomController.Settings(namespace, Duration.ofSeconds(1), Duration.ofSeconds(5),
                        Duration.ofSeconds(30)),
                clock, new HpaCompatiblePolicy(clock),
                new KubernetesScaleActuator(client, Backoff.defaults(), d -> { }),
                new SidecarPoller(Duration.ofMillis(500), clock, executor), leadership,
                new EventRecorder(client, clock, "controller-0"), listener);
        c.watch();
        controllers.add(c);
        return c;
    }

    /** Deployment {@code engine} at 2 replicas in {@code ns}, two saturated pods, a direct-mode policy over them. */
    void saturatedWorkload(String ns) throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
        Workloads.deployment(client, ns, "engine", 2);
        for (String pod : List.of("engine-a", "engine-b")) {
            SidecarStandIn s = new SidecarStandIn();
            s.serve(Map.of(Signal.QUEUE, 12.0));
            sidecars.add(s);
            Workloads.pod(client, ns, pod, "engine", s.port(), true, clock.instant().minus(Duration.ofMinutes(5)));
        }
        Workloads.policy(client, ns, "engine",
                Workloads.spec("engine", ScalingMode.DIRECT, 1, 8, Map.of("queue", 4.0, "kv_utilization", 0.8)));
    }

    int replicas(String ns) {
        return client.apps().deployments().inNamespace(ns).withName("engine").get().getSpec().getReplicas();
    }

    HeadroomPolicy stored(String ns) {
        return client.resources(HeadroomPolicy.class).inNamespace(ns).withName("engine").get();
    }

    @Test
    void aPolicyWhosePodWatchThrowsOrWhoseRoundThrowsAnErrorNeverSkipsAnother() throws Exception {
        saturatedWorkload(FORBIDDEN);
        saturatedWorkload(ERRING);
        saturatedWorkload(GOOD);
        dispatcher.forbidPodsIn(FORBIDDEN);
        java.util.Queue<String> failed = new java.util.concurrent.ConcurrentLinkedQueue<>();
        DecisionListener erring = new DecisionListener() {
            @Override
            public void onDecision(WorkloadDecision d) {
                if (d.key().namespace().equals(ERRING)) {
                    throw new StackOverflowError("a listener bug, as deep as it gets");
                }
            }

            @Override
            public void onFailure(WorkloadKey key, Throwable failure) {
                failed.add(key.namespace() + " " + failure.getClass().getSimpleName());
            }
        };
        HeadroomController controller = controller(Optional.empty(), LeadershipCheck.ALWAYS, erring);
        await().atMost(Duration.ofSeconds(10)).until(() -> controller.watchedPolicies() == 3);

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<WorkloadDecision> made = controller.tick();
            return made.stream().anyMatch(d -> d.key().namespace().equals(GOOD) && d.acted());
        });
        assertThat(replicas(GOOD)).as("the good policy scaled in spite of the two failing ones").isEqualTo(3);
        for (int round = 0; round < 3; round++) {
            clock.advance(Duration.ofSeconds(1));
            assertThat(controller.tick()).extracting(d -> d.key().namespace())
                    .as("round %d: the good policy is decided every tick", round).containsExactly(GOOD);
        }

        assertThat(controller.failures(FORBIDDEN, "engine")).as("every round of the forbidden policy failed")
                .isGreaterThanOrEqualTo(4);
        assertThat(controller.failures(ERRING, "engine")).isGreaterThanOrEqualTo(4);
        assertThat(controller.failures(GOOD, "engine")).isZero();
        assertThat(failed).as("each failure told to the listener (the meters) as what it was")
                .contains(FORBIDDEN + " KubernetesClientException", ERRING + " StackOverflowError")
                .noneMatch(f -> f.startsWith(GOOD + " "));
        assertThat(controller.latest(ERRING, "engine")).as("a failed round serves no decision").isEmpty();
        assertThat(stored(FORBIDDEN).getStatus().conditions).filteredOn(c -> c.getType().equals("Ready")).singleElement().satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("ReconcileFailed");
            assertThat(c.getMessage()).contains("KubernetesClientException").contains("pods");
        });
        assertThat(stored(ERRING).getStatus().conditions).filteredOn(c -> c.getType().equals("Ready")).singleElement().satisfies(c -> {
            assertThat(c.getReason()).isEqualTo("ReconcileFailed");
            assertThat(c.getMessage()).contains("java.lang.StackOverflowError").contains("a listener bug");
        });
        List<Event> warnings = client.v1().events().inNamespace(ERRING).list().getItems();
        assertThat(warnings).extracting(Event::getReason).contains("ReconcileFailed");
        assertThat(stored(GOOD).getStatus().conditions).filteredOn(c -> c.getType().equals("Ready")).singleElement()
                .satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"));
    }

    @Test
    void aLeaderWhoseTickStopsComingRoundGivesUpItsLeaseAndTheStandbyTakesOver() throws Exception {
        saturatedWorkload(GOOD);
        HeadroomController[] first = new HeadroomController[1];
        HeadroomController[] second = new HeadroomController[1];
        LeadershipCheck[] leads = new LeadershipCheck[2];
        first[0] = controller(Optional.of(GOOD), () -> leads[0].isLeader(), DecisionListener.NONE);
        second[0] = controller(Optional.of(GOOD), () -> leads[1].isLeader(), DecisionListener.NONE);
        LeaderElection one = new LeaderElection(client, timing("one"), executor, first[0].heartbeat(), watchdog);
        LeaderElection two = new LeaderElection(client, timing("two"), executor, second[0].heartbeat(), watchdog);
        leads[0] = one;
        leads[1] = two;
        try {
            one.start();
            await().atMost(Duration.ofSeconds(10)).until(one::isLeader);
            two.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> first[0].watchedPolicies() == 1
                    && second[0].watchedPolicies() == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> first[0].tick().get(0).acted());
            second[0].tick();
            assertThat(replicas(GOOD)).isEqualTo(3);
            assertThat(two.isLeader()).isFalse();

            // The leader's loop stops coming round (as if one policy blocked it); the standby's goes on.
            Duration stall = first[0].heartbeat().stallAfter();
            assertThat(stall).isEqualTo(Duration.ofSeconds(30));
            clock.advance(stall.plusSeconds(1));
            second[0].tick();
            await().atMost(Duration.ofSeconds(10)).until(two::isLeader);
            assertThat(one.isLeader()).isFalse();
            assertThat(one.steppedDownForStall()).isTrue();
            assertThat(client.leases().inNamespace(GOOD).withName("headroom-controller").get().getSpec()
                    .getHolderIdentity()).isEqualTo("two");

            // The new leader acts; the old one, ticking again, campaigns again and stays a standby.
            sidecars.forEach(s -> s.serve(Map.of(Signal.QUEUE, 30.0)));
            assertThat(second[0].tick().get(0).acted()).isTrue();
            assertThat(replicas(GOOD)).isEqualTo(4);
            first[0].tick();
            await().atMost(Duration.ofSeconds(10)).until(() -> !one.steppedDownForStall());
            assertThat(one.isLeader()).isFalse();
            assertThat(first[0].tick().get(0).acted()).as("a standby never acts").isFalse();
        } finally {
            one.close();
            two.close();
        }
    }

    private static LeaderElection.Settings timing(String identity) {
        return new LeaderElection.Settings(GOOD, "headroom-controller", identity, Duration.ofSeconds(2),
                Duration.ofMillis(1500), Duration.ofMillis(200));
    }
}
