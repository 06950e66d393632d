package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicy;
import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicySpec;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.loop.ScaleInMarks;
import dev.headroom.autoscaler.policy.DecisionReason;
import dev.headroom.signals.ManualClock;
import dev.headroom.signals.Signal;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drain-aware scale-in against fabric8's Kubernetes server in CRUD mode (with the scale subresource) and real
 * sidecars on loopback: the pods' {@code pod-deletion-cost} set from their live load just before the scale write,
 * the emptiest lowest, patched only when the ranking changes, and removed once the scale-in settled or the policy
 * is gone. The server has no ReplicaSet controller; the test plays its part by deleting the pod with the lowest
 * cost, as {@code ActivePodsWithRanks} orders ready pods.
 */
class PodDeletionCostTest {

    static final String NS = "llm";

    final ScaleSubresourceDispatcher dispatcher = new ScaleSubresourceDispatcher();
    final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T10:00:00Z"));
    final Map<String, SidecarStandIn> sidecars = new LinkedHashMap<>();
    KubernetesMockServer server;
    KubernetesClient client;
    ExecutorService executor;
    HeadroomController controller;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient(b -> b.editOrNewConfig().withRequestRetryBackoffLimit(0).endConfig());
        executor = Executors.newFixedThreadPool(4);
    }

    @AfterEach
    void stop() {
        if (controller != null) {
            controller.close();
        }
        sidecars.values().forEach(SidecarStandIn::close);
        client.close();
        server.destroy();
        executor.shutdownNow();
    }

    HeadroomController controller() {
        HeadroomController c = TestControllers.inNamespace(client, NS, clock, executor);
        c.watch();
        return c;
    }

    /** A ready pod whose sidecar reports {@code running}, {@code waiting} and {@code kv}. */
    void pod(String name, double running, double waiting, double kv) throws Exception {
        SidecarStandIn s = new SidecarStandIn();
        s.serve(load(running, waiting, kv));
        sidecars.put(name, s);
        Workloads.pod(client, NS, name, "engine", s.port(), true, clock.instant().minus(Duration.ofMinutes(5)));
    }

    static Map<Signal, Double> load(double running, double waiting, double kv) {
        return Map.of(Signal.RUNNING, running, Signal.QUEUE, waiting, Signal.KV_UTILIZATION, kv);
    }

    /** A policy on KV use alone (target 0.8), scaling down without a window. */
    void policy(ScalingMode mode) {
        HeadroomPolicySpec spec = Workloads.spec("engine", mode, 1, 8, Map.of("kv_utilization", 0.8));
        spec.behavior = new HeadroomPolicySpec.BehaviorSpec();
        spec.behavior.scaleDown = new HeadroomPolicySpec.RulesSpec();
        spec.behavior.scaleDown.stabilizationWindowSeconds = 0;
        Workloads.policy(client, NS, "engine", spec);
    }

    /** Ticks until a decision reads every one of {@code pods} pods fresh. */
    WorkloadDecision decideWith(int pods) {
        await().atMost(Duration.ofSeconds(10)).until(() -> controller.watchedPolicies() == 1);
        List<WorkloadDecision> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            WorkloadDecision d = controller.tick().get(0);
            if (d.decision().readyFresh() == pods && d.decision().notReady() == 0) {
                seen.add(d);
                return true;
            }
            return false;
        });
        return seen.get(0);
    }

    Map<String, String> costs() {
        Map<String, String> costs = new LinkedHashMap<>();
        for (Pod p : client.pods().inNamespace(NS).list().getItems()) {
            String c = PodDeletionCosts.annotation(p, PodDeletionCosts.DELETION_COST);
            if (c != null) {
                costs.put(p.getMetadata().getName(), c);
            }
        }
        return costs;
    }

    boolean anyReason() {
        return client.pods().inNamespace(NS).list().getItems().stream()
                .anyMatch(p -> PodDeletionCosts.annotation(p, PodDeletionCosts.REASON) != null);
    }

    /** What a ReplicaSet controller does on a lower count: deletes the ready pod with the lowest cost. */
    String replicaSetRemovesOne() {
        Pod victim = client.pods().inNamespace(NS).list().getItems().stream()
                .min(Comparator.comparingInt(p -> {
                    String c = PodDeletionCosts.annotation(p, PodDeletionCosts.DELETION_COST);
                    return c == null ? 0 : Integer.parseInt(c);
                })).orElseThrow();
        client.pods().inNamespace(NS).withName(victim.getMetadata().getName()).delete();
        return victim.getMetadata().getName();
    }

    @Test
    void theEmptiestPodIsMarkedLowestBeforeTheScaleInAndTheMarksGoOnceItSettled() throws Exception {
        Workloads.deployment(client, NS, "engine", 3);
        pod("engine-a", 5, 1, 0.60);
        pod("engine-b", 0, 0, 0.05);
        pod("engine-c", 2, 0, 0.30);
        policy(ScalingMode.DIRECT);
        controller = controller();

        WorkloadDecision d = decideWith(3);

        // KV 0.95 over 3 pods = 0.317 a pod against 0.8: ceil(3 × 0.396) = 2.
        assertThat(d.decision().reason()).isEqualTo(DecisionReason.SCALE_DOWN);
        assertThat(d.acted()).isTrue();
        assertThat(client.apps().deployments().inNamespace(NS).withName("engine").get().getSpec().getReplicas())
                .isEqualTo(2);
        assertThat(costs()).as("ranked by running + waiting: b 0, c 2, a 6")
                .containsExactlyInAnyOrderEntriesOf(Map.of("engine-b", "0", "engine-c", "1", "engine-a", "2"));
        assertThat(PodDeletionCosts.annotation(client.pods().inNamespace(NS).withName("engine-a").get(),
                PodDeletionCosts.REASON)).contains("rank 2 of 3").contains("running 5 + waiting 1, kv 0.60");
        long scaleWrite = dispatcher.writes().get(0).arrivedNanos();
        assertThat(dispatcher.podPatches()).hasSize(3)
                .allSatisfy(p -> assertThat(p.arrivedNanos()).as("patched before the scale write").isLessThan(scaleWrite));

        ScaleInMarks marks = d.scaleIn().orElseThrow();
        assertThat(marks.applied()).isTrue();
        assertThat(marks.victims()).containsExactly("engine-b");
        assertThat(controller.latest(NS, "engine").orElseThrow().scaleIn()).contains(marks);
        List<Event> scaledDown = client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> e.getReason().equals("ScaledDown")).toList();
        assertThat(scaledDown).singleElement().satisfies(e -> assertThat(e.getMessage())
                .startsWith("Scale-in removing 1 of 3, emptiest first: engine-b (running 0 + waiting 0, kv 0.05)")
                .contains("kept: engine-c (running 2 + waiting 0, kv 0.30), engine-a"));

        assertThat(replicaSetRemovesOne()).isEqualTo("engine-b");
        await().atMost(Duration.ofSeconds(10)).until(() -> controller.watchedPods(NS, "engine") == 2);
        clock.advance(Duration.ofSeconds(1));
        WorkloadDecision after = controller.tick().get(0);

        assertThat(after.acted()).isFalse();
        assertThat(after.scaleIn()).isEmpty();
        assertThat(costs()).as("removed once the scale-in settled").isEmpty();
        assertThat(anyReason()).isFalse();
        assertThat(dispatcher.podPatches()).as("three marks, two removals").hasSize(3 + 2);
        // Once the informer holds the cleared pods, rounds patch nothing more.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            int before = dispatcher.podPatches().size();
            controller.tick();
            return dispatcher.podPatches().size() == before;
        });
        int patches = dispatcher.podPatches().size();
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(1));
            controller.tick();
        }
        assertThat(dispatcher.podPatches()).as("nothing left to clear, nothing patched").hasSize(patches);
    }

    @Test
    void servedToAnHpaTheRankingIsKeptCurrentOnlyWhenItChangesAndLeavesWithThePolicy() throws Exception {
        Workloads.deployment(client, NS, "engine", 3);
        pod("engine-a", 5, 1, 0.60);
        pod("engine-b", 0, 0, 0.05);
        pod("engine-c", 2, 0, 0.30);
        policy(ScalingMode.EXTERNAL_METRICS);
        controller = controller();

        WorkloadDecision d = decideWith(3);

        assertThat(d.acted()).as("the HPA scales, not Headroom").isFalse();
        assertThat(d.decision().desired()).isEqualTo(2);
        assertThat(d.scaleIn().orElseThrow().victims()).containsExactly("engine-b");
        assertThat(costs()).containsExactlyInAnyOrderEntriesOf(Map.of("engine-b", "0", "engine-c", "1", "engine-a", "2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> client.pods().inNamespace(NS).list().getItems().stream()
                .allMatch(p -> p.getMetadata().getAnnotations().containsKey(PodDeletionCosts.REASON)));
        // The informer has the marks now; give it a moment to hold them too before the next rounds compare.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            controller.tick();
            return dispatcher.podPatches().size() == 3;
        });

        sidecars.get("engine-a").serve(load(5, 2, 0.61)); // a different load, the same order
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(1));
            controller.tick();
        }
        assertThat(dispatcher.podPatches()).as("the same ranking is not written again").hasSize(3);

        sidecars.get("engine-b").serve(load(3, 0, 0.30)); // b busier than c now: b and c swap
        clock.advance(Duration.ofSeconds(1));
        WorkloadDecision swapped = controller.tick().get(0);
        assertThat(swapped.scaleIn().orElseThrow().victims()).containsExactly("engine-c");
        assertThat(dispatcher.podPatches().subList(3, dispatcher.podPatches().size())).extracting(ScaleSubresourceDispatcher.PodPatch::pod)
                .as("only the two pods whose rank changed").containsExactlyInAnyOrder("engine-b", "engine-c");
        assertThat(costs()).containsExactlyInAnyOrderEntriesOf(Map.of("engine-c", "0", "engine-b", "1", "engine-a", "2"));

        client.resources(HeadroomPolicy.class).inNamespace(NS).withName("engine").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            controller.tick();
            return costs().isEmpty() && !anyReason();
        });
        assertThat(controller.latest(NS, "engine")).isEmpty();
    }

    @Test
    void aStatefulSetIsNotMarkedAndTheDecisionSaysWhy() {
        assertThat(PodDeletionCosts.unsupported(new dev.headroom.autoscaler.loop.ScaleTarget("apps/v1",
                "StatefulSet", NS, "engine"))).hasValueSatisfying(s -> assertThat(s).contains("highest ordinal"));
        assertThat(PodDeletionCosts.unsupported(new dev.headroom.autoscaler.loop.ScaleTarget("apps/v1",
                "Deployment", NS, "engine"))).isEmpty();
        assertThat(PodDeletionCosts.unsupported(new dev.headroom.autoscaler.loop.ScaleTarget("apps/v1",
                "ReplicaSet", NS, "engine"))).isEmpty();
        assertThat(PodDeletionCosts.unsupported(new dev.headroom.autoscaler.loop.ScaleTarget(
                "leaderworkerset.x-k8s.io/v1", "LeaderWorkerSet", NS, "engine")))
                .hasValueSatisfying(s -> assertThat(s).contains("not known to honour"));
        ScaleInMarks m = new PodDeletionCosts(client, clock).mark(new dev.headroom.autoscaler.loop.ScaleTarget(
                "apps/v1", "StatefulSet", NS, "engine"), List.of(), dev.headroom.autoscaler.loop.ScaleInRanking.EMPTY,
                3, 2);
        assertThat(m.applied()).isFalse();
        assertThat(m.victims()).isEmpty();
        assertThat(m.describe()).contains("removing 1").contains("highest ordinals first");
        assertThat(dispatcher.podPatches()).isEmpty();
    }
}
