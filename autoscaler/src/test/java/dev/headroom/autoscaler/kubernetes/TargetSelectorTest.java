package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicy;
import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicySpec;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.loop.ScaleException;
import dev.headroom.autoscaler.loop.ScaleTarget;
import dev.headroom.autoscaler.policy.DecisionReason;
import dev.headroom.signals.ManualClock;
import dev.headroom.signals.Signal;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A policy without {@code spec.selector} works on its target's own pods, as an HPA does, against fabric8's server in
 * CRUD mode: with the scale subresource served as the API server serves it ({@code status.selector}), and without
 * it (the plain CRUD server), where the target's {@code spec.selector} is read instead.
 */
class TargetSelectorTest {

    static final String NS = "llm";

    final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T10:00:00Z"));
    final List<SidecarStandIn> sidecars = new ArrayList<>();
    final ExecutorService executor = Executors.newFixedThreadPool(4);
    KubernetesMockServer server;
    KubernetesClient client;
    HeadroomController controller;

    void start(KubernetesCrudDispatcher dispatcher) {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
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

    HeadroomController controller() {
        HeadroomController c = TestControllers.inNamespace(client, NS, clock, executor);
        c.watch();
        await().atMost(Duration.ofSeconds(10)).until(() -> c.watchedPolicies() == 1);
        return c;
    }

    void pod(String name, String app, double queue) throws Exception {
        SidecarStandIn s = new SidecarStandIn();
        s.serve(Map.of(Signal.QUEUE, queue, Signal.KV_UTILIZATION, 0.5));
        sidecars.add(s);
        Workloads.pod(client, NS, name, app, s.port(), true, clock.instant().minus(Duration.ofMinutes(5)));
    }

    /** A direct-mode policy over Deployment {@code engine} that names no selector. */
    void policyWithoutSelector() {
        HeadroomPolicySpec spec = Workloads.spec("engine", ScalingMode.DIRECT, 1, 8, Map.of("queue", 4.0));
        spec.selector = null;
        Workloads.policy(client, NS, "engine", spec);
    }

    HeadroomPolicy stored() {
        return client.resources(HeadroomPolicy.class).inNamespace(NS).withName("engine").get();
    }

    @Test
    void aPolicyWithoutSelectorIsDecidedOverTheTargetsPodsOnly() throws Exception {
        start(new ScaleSubresourceDispatcher());
        Workloads.deployment(client, NS, "engine", 2);
        pod("engine-a", "engine", 12.0);
        pod("engine-b", "engine", 12.0);
        // Another workload's idle pod beside them: counted, it would pull the per-replica queue down.
        pod("chat-a", "chat", 0.0);
        policyWithoutSelector();
        controller = controller();

        List<WorkloadDecision> made = new ArrayList<>();
        // The pod watch starts on the first round; rounds until it has caught up (none acts before: no data).
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            made.clear();
            made.addAll(controller.tick());
            return controller.watchedPods(NS, "engine") == 2 && made.get(0).decision().readyFresh() > 0;
        });

        assertThat(controller.watchedPods(NS, "engine")).as("the Deployment's two pods, not chat-a").isEqualTo(2);
        assertThat(made).singleElement().satisfies(d -> {
            assertThat(d.decision().readyFresh()).isEqualTo(2);
            assertThat(d.decision().reason()).isEqualTo(DecisionReason.SCALE_UP);
            assertThat(d.decision().input(Signal.QUEUE).orElseThrow().perReplicaValue().getAsDouble())
                    .isEqualTo(12.0);
            assertThat(d.acted()).isTrue();
        });
        assertThat(client.apps().deployments().inNamespace(NS).withName("engine").get().getSpec().getReplicas())
                .isEqualTo(3);
    }

    @Test
    void withoutTheScaleSubresourceTheTargetsSpecSelectorIsRead() throws Exception {
        // fabric8's plain CRUD server answers GET .../scale with the Deployment itself: no status.selector.
        start(new KubernetesCrudDispatcher());
        client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder().withNewMetadata()
                .withName("engine").withNamespace(NS).endMetadata().withNewSpec().withReplicas(2).withNewSelector()
                .addToMatchLabels("app", "engine").addNewMatchExpression().withKey("tier").withOperator("In")
                .withValues("gpu", "gpu-large").endMatchExpression().addNewMatchExpression().withKey("canary")
                .withOperator("DoesNotExist").endMatchExpression().endSelector().endSpec().build()).create();
        TargetSelectors selectors = new ScaleSubresourceSelectors(client);

        assertThat(selectors.selectorOf(target("engine")))
                .contains("app=engine,tier in (gpu,gpu-large),!canary");
    }

    @Test
    void aMissingTargetIsAScaleFailureNotAnEmptySelector() {
        start(new ScaleSubresourceDispatcher());
        TargetSelectors selectors = new ScaleSubresourceSelectors(client);

        assertThatThrownBy(() -> selectors.selectorOf(target("gone")))
                .isInstanceOfSatisfying(ScaleException.class,
                        e -> assertThat(e.kind()).isEqualTo(ScaleException.Kind.NOT_FOUND));
    }

    @Test
    void aTargetWithoutSelectorIsNotReadyAndSaysSoWithoutPollingAnyPod() throws Exception {
        start(new ScaleSubresourceDispatcher());
        client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder().withNewMetadata()
                .withName("engine").withNamespace(NS).endMetadata().withNewSpec().withReplicas(2).endSpec().build())
                .create();
        pod("chat-a", "chat", 12.0);
        policyWithoutSelector();
        controller = controller();

        assertThat(controller.tick()).as("no decision, and no crash").isEmpty();
        controller.tick();

        assertThat(controller.failures(NS, "engine")).isZero();
        assertThat(controller.watchedPods(NS, "engine")).as("no watch over the whole namespace").isZero();
        Condition active = condition(stored(), "ScalingActive");
        assertThat(active.getStatus()).isEqualTo("False");
        assertThat(active.getReason()).isEqualTo("InvalidSelector");
        Condition ready = condition(stored(), "Ready");
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("InvalidSelector");
        assertThat(ready.getMessage()).contains("Deployment llm/engine has no label selector")
                .contains("set spec.selector");
        assertThat(client.v1().events().inNamespace(NS).list().getItems()).extracting(Event::getReason)
                .as("told once").containsExactly("InvalidSelector");
    }

    static ScaleTarget target(String name) {
        return new ScaleTarget("apps/v1", "Deployment", NS, name);
    }

    static Condition condition(HeadroomPolicy p, String type) {
        return p.getStatus().conditions.stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }
}
