package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicy;
import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicyStatus;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.loop.ScaleTarget;
import dev.headroom.autoscaler.policy.DecisionReason;
import dev.headroom.autoscaler.policy.PolicySpec;
import dev.headroom.autoscaler.policy.ScalingDecision;
import dev.headroom.signals.ManualClock;
import dev.headroom.signals.Signal;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Events and status on a HeadroomPolicy, against fabric8's Kubernetes server in CRUD mode. */
class DecisionExplainerTest {

    static final String NS = "llm";
    static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    static final WorkloadKey KEY = new WorkloadKey(NS, "engine");
    static final ScaleTarget TARGET = new ScaleTarget("apps/v1", "Deployment", NS, "engine");

    final ManualClock clock = new ManualClock(T0);
    KubernetesMockServer server;
    KubernetesClient client;
    DecisionExplainer explainer;
    HeadroomPolicy resource;
    final DecisionExplainer.Memory memory = new DecisionExplainer.Memory();

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        explainer = new DecisionExplainer(client, clock, new EventRecorder(client, clock, "controller-0"),
                Duration.ofSeconds(1));
        resource = Workloads.policy(client, NS, "engine",
                Workloads.spec("engine", ScalingMode.DIRECT, 1, 8, Map.of("queue", 4.0)));
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    WorkloadDecision made(int current, int desired, DecisionReason reason, boolean acted, Optional<String> error) {
        ScalingDecision d = new ScalingDecision(KEY.toString(), clock.instant(), current, desired, desired, desired,
                reason, Optional.of(Signal.QUEUE), List.of(), current, 0, 0, "decided " + current + " → " + desired);
        return new WorkloadDecision(KEY, TARGET, ScalingMode.DIRECT, PolicySpec.of(1, 8), current, d, acted, error);
    }

    WorkloadDecision scaledUp() {
        return made(2, 3, DecisionReason.SCALE_UP, true, Optional.empty());
    }

    List<Event> events() {
        return client.v1().events().inNamespace(NS).list().getItems();
    }

    HeadroomPolicyStatus stored() {
        return client.resources(HeadroomPolicy.class).inNamespace(NS).withName("engine").get().getStatus();
    }

    @Test
    void anEventIsRecordedWhenTheOutcomeChangesNotEveryDecision() {
        explainer.explain(resource, memory, scaledUp());
        clock.advance(Duration.ofSeconds(1));
        explainer.explain(resource, memory, scaledUp());

        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.getReason()).isEqualTo("ScaledUp");
            assertThat(e.getMessage()).startsWith("[Direct, ScaleUp] decided 2 → 3");
        });

        clock.advance(Duration.ofSeconds(1));
        explainer.explain(resource, memory, made(3, 3, DecisionReason.WITHIN_TOLERANCE, false, Optional.empty()));

        assertThat(events()).extracting(Event::getReason).containsExactlyInAnyOrder("ScaledUp", "Unchanged");
    }

    @Test
    void theStatusIsWrittenWhenItChangesNotWhenOnlyTheDecisionTimeMoved() {
        explainer.explain(resource, memory, scaledUp());
        clock.advance(Duration.ofSeconds(1));
        explainer.explain(resource, memory, scaledUp());

        assertThat(stored().lastDecision.time).as("the second write was left out").isEqualTo(T0.toString());
        assertThat(stored().currentReplicas).isEqualTo(3);
        assertThat(stored().desiredReplicas).isEqualTo(3);

        clock.advance(Duration.ofSeconds(1));
        explainer.explain(resource, memory, made(3, 5, DecisionReason.SCALE_UP, true, Optional.empty()));

        assertThat(stored().lastDecision.time).isEqualTo(T0.plusSeconds(2).toString());
        assertThat(stored().desiredReplicas).isEqualTo(5);
    }

    @Test
    void theReadyConditionKeepsItsTransitionTimeWhileItsStatusStaysTheSame() {
        explainer.explain(resource, memory, scaledUp());
        clock.advance(Duration.ofSeconds(10));
        explainer.explain(resource, memory, made(3, 3, DecisionReason.WITHIN_TOLERANCE, false, Optional.empty()));

        assertThat(stored().conditions).filteredOn(c -> c.getType().equals("Ready")).singleElement().satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("Deciding");
            assertThat(c.getMessage()).isEqualTo("deciding every 1000 ms in Direct mode");
            assertThat(c.getLastTransitionTime()).isEqualTo(T0.toString());
        });

        clock.advance(Duration.ofSeconds(10));
        explainer.explain(resource, memory, made(3, 5, DecisionReason.SCALE_UP, false, Optional.of("HTTP 403 forbidden")));

        assertThat(stored().conditions).filteredOn(c -> c.getType().equals("Ready")).singleElement().satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("FailedUpdateScale");
            assertThat(c.getMessage()).isEqualTo("HTTP 403 forbidden");
            assertThat(c.getLastTransitionTime()).isEqualTo(T0.plusSeconds(20).toString());
        });
        assertThat(events()).anySatisfy(e -> {
            assertThat(e.getReason()).isEqualTo("FailedRescale");
            assertThat(e.getMessage()).startsWith("could not scale Deployment llm/engine to 5: HTTP 403 forbidden");
        });
    }

    @Test
    void aFailureIsToldOnceAndKeepsTheLastDecisionsCounts() {
        explainer.explain(resource, memory, scaledUp());
        HeadroomPolicy withStatus = client.resources(HeadroomPolicy.class).inNamespace(NS).withName("engine").get();

        clock.advance(Duration.ofSeconds(1));
        explainer.explainFailure(withStatus, memory, PolicyConditions.Failure.FAILED_GET_SCALE,
                "cannot read the scale of Deployment llm/engine: not found", 1L);
        clock.advance(Duration.ofSeconds(1));
        explainer.explainFailure(withStatus, memory, PolicyConditions.Failure.FAILED_GET_SCALE,
                "cannot read the scale of Deployment llm/engine: not found", 1L);

        assertThat(events()).extracting(Event::getReason).containsExactlyInAnyOrder("ScaledUp", "FailedGetScale");
        HeadroomPolicyStatus status = stored();
        assertThat(status.desiredReplicas).isEqualTo(3);
        assertThat(status.lastDecision.reason).isEqualTo("ScaleUp");
        assertThat(status.conditions).filteredOn(c -> c.getType().equals("Ready")).singleElement().satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("FailedGetScale");
            assertThat(c.getLastTransitionTime()).isEqualTo(T0.plusSeconds(1).toString());
        });
    }

    @Test
    void theEventReasonSaysWhatWasDoneElseWhatWasDecidedElseWhyNothingWas() {
        assertThat(DecisionExplainer.eventReason(scaledUp())).isEqualTo(ControllerEventReason.SCALED_UP);
        assertThat(DecisionExplainer.eventReason(made(4, 2, DecisionReason.SCALE_DOWN, true, Optional.empty())))
                .isEqualTo(ControllerEventReason.SCALED_DOWN);
        assertThat(DecisionExplainer.eventReason(made(2, 3, DecisionReason.SCALE_UP, false, Optional.of("HTTP 503"))))
                .isEqualTo(ControllerEventReason.SCALE_FAILED);
        assertThat(DecisionExplainer.eventReason(made(2, 3, DecisionReason.SCALE_UP, false, Optional.empty())))
                .as("decided and not made here: dry-run, a standby, an HPA or KEDA")
                .isEqualTo(ControllerEventReason.RECOMMENDED);
        assertThat(DecisionExplainer.eventReason(made(2, 2, DecisionReason.HELD_MISSING_DATA, false, Optional.empty())))
                .isEqualTo(ControllerEventReason.HELD);
        assertThat(DecisionExplainer.eventReason(made(2, 2, DecisionReason.HELD_NO_DATA, false, Optional.empty())))
                .isEqualTo(ControllerEventReason.HELD);
        assertThat(DecisionExplainer.eventReason(made(2, 2, DecisionReason.STABILISED, false, Optional.empty())))
                .isEqualTo(ControllerEventReason.UNCHANGED);
    }
}
