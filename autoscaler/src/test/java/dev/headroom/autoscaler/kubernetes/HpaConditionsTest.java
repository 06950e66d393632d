package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicy;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.policy.DecisionReason;
import dev.headroom.signals.ManualClock;
import dev.headroom.signals.Signal;
import io.fabric8.kubernetes.api.model.Condition;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The HPA's conditions on a policy's status, through one workload's life against fabric8's server in CRUD mode (with
 * the scale subresource): a scale-up, the limit at maxReplicas, then a target whose scale cannot be read. Each
 * condition's transition time moves only when its status does.
 */
class HpaConditionsTest {

    static final String NS = "llm";
    static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

    final ManualClock clock = new ManualClock(T0);
    final List<SidecarStandIn> sidecars = new ArrayList<>();
    final ExecutorService executor = Executors.newFixedThreadPool(4);
    KubernetesMockServer server;
    KubernetesClient client;
    HeadroomController controller;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new ScaleSubresourceDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        controller = TestControllers.inNamespace(client, NS, clock, executor);
    }

    @AfterEach
    void stop() {
        controller.close();
        sidecars.forEach(SidecarStandIn::close);
        client.close();
        server.destroy();
        executor.shutdownNow();
    }

    /** A ready pod of the workload whose sidecar reports a queue three times the target of 4. */
    void saturatedPod(String name) throws Exception {
        SidecarStandIn s = new SidecarStandIn();
        s.serve(Map.of(Signal.QUEUE, 12.0));
        sidecars.add(s);
        Workloads.pod(client, NS, name, "engine", s.port(), true, T0.minus(Duration.ofMinutes(5)));
    }

    /** Rounds until one decides over {@code pods} reporting pods; returns that decision's reason. */
    DecisionReason decideOver(int pods) {
        List<WorkloadDecision> made = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            made.clear();
            made.addAll(controller.tick());
            return made.size() == 1 && made.get(0).decision().readyFresh() == pods;
        });
        return made.get(0).decision().reason();
    }

    List<Condition> conditions() {
        return client.resources(HeadroomPolicy.class).inNamespace(NS).withName("engine").get().getStatus().conditions;
    }

    @Test
    void scaleUpThenTheLimitAtMaxThenAScaleThatCannotBeRead() throws Exception {
        Workloads.deployment(client, NS, "engine", 2);
        saturatedPod("engine-a");
        saturatedPod("engine-b");
        Workloads.policy(client, NS, "engine",
                Workloads.spec("engine", ScalingMode.DIRECT, 1, 3, Map.of("queue", 4.0)));
        controller.watch();
        await().atMost(Duration.ofSeconds(10)).until(() -> controller.watchedPolicies() == 1);

        assertThat(decideOver(2)).isEqualTo(DecisionReason.SCALE_UP);

        assertThat(conditions()).extracting(Condition::getType, Condition::getStatus, Condition::getReason,
                Condition::getLastTransitionTime).containsExactly(
                tuple("AbleToScale", "True", "SucceededRescale", T0.toString()),
                tuple("ScalingActive", "True", "ValidMetricFound", T0.toString()),
                tuple("ScalingLimited", "False", "DesiredWithinRange", T0.toString()),
                tuple("Ready", "True", "Deciding", T0.toString()));
        assertThat(conditions().get(1).getMessage()).contains("queue");

        Instant t1 = T0.plusSeconds(10);
        clock.advance(Duration.ofSeconds(10));
        saturatedPod("engine-c");

        assertThat(decideOver(3)).as("3 replicas, still saturated, max 3").isEqualTo(DecisionReason.AT_MAX);

        assertThat(conditions()).extracting(Condition::getType, Condition::getStatus, Condition::getReason,
                Condition::getLastTransitionTime).containsExactly(
                tuple("AbleToScale", "True", "ReadyForNewScale", T0.toString()),
                tuple("ScalingActive", "True", "ValidMetricFound", T0.toString()),
                tuple("ScalingLimited", "True", "TooManyReplicas", t1.toString()),
                tuple("Ready", "True", "Deciding", T0.toString()));
        assertThat(conditions().get(2).getMessage()).contains("maximum replica count (3)");

        Instant t2 = t1.plusSeconds(10);
        clock.advance(Duration.ofSeconds(10));
        client.apps().deployments().inNamespace(NS).withName("engine").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            controller.tick();
            return conditions().get(0).getStatus().equals("False");
        });

        assertThat(conditions()).extracting(Condition::getType, Condition::getStatus, Condition::getReason,
                Condition::getLastTransitionTime).as("what could not be evaluated is left as it was").containsExactly(
                tuple("AbleToScale", "False", "FailedGetScale", t2.toString()),
                tuple("ScalingActive", "True", "ValidMetricFound", T0.toString()),
                tuple("ScalingLimited", "True", "TooManyReplicas", t1.toString()),
                tuple("Ready", "False", "FailedGetScale", t2.toString()));
        assertThat(conditions().get(0).getMessage()).contains("cannot read the scale of Deployment llm/engine");
    }
}
