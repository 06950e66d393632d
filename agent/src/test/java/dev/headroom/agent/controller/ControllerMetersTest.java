package dev.headroom.agent.controller;

import dev.headroom.agent.external.Decisions;
import dev.headroom.autoscaler.kubernetes.WorkloadDecision;
import dev.headroom.autoscaler.kubernetes.WorkloadKey;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.policy.DecisionReason;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ControllerMeters} on a plain registry, fed decisions marked as {@code HeadroomController} marks them: the
 * leader in {@code direct} mode either changes the count ({@code acted}) or records why it could not
 * ({@code actionError}); a standby decides the same change and does neither.
 */
class ControllerMetersTest {

    private static final Instant AT = Instant.parse("2025-01-01T00:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ControllerMeters meters = new ControllerMeters(registry);

    /** {@code llm/name} in {@code mode}: 2 → 4 replicas, as a decision that has not been acted on. */
    private static WorkloadDecision upTo4(String name, ScalingMode mode) {
        return Decisions.decision("llm", name, mode, AT, 2, 4, DecisionReason.SCALE_UP);
    }

    private static WorkloadDecision marked(WorkloadDecision d, boolean acted, Optional<String> actionError) {
        return new WorkloadDecision(d.key(), d.target(), d.mode(), d.spec(), d.currentReplicas(), d.decision(), acted,
                actionError);
    }

    private double gauge(String name, String workload) {
        return registry.get(name).tags("namespace", "llm", "workload", workload).gauge().value();
    }

    private double acting(String workload) {
        return gauge(ControllerMeters.ACTING, workload);
    }

    @Test
    void aDirectModeLeadersDecisionIsActingWhetherItsWriteWorkedOrWasRefused() {
        meters.onDecision(marked(upTo4("scaled", ScalingMode.DIRECT), true, Optional.empty()));
        meters.onDecision(marked(upTo4("refused", ScalingMode.DIRECT), false,
                Optional.of("deployments.apps \"refused\" is forbidden")));

        assertThat(acting("scaled")).isEqualTo(1.0);
        assertThat(acting("refused")).as("the leader tried: a refusal is what the alert is for").isEqualTo(1.0);
        assertThat(gauge(ControllerMeters.DESIRED, "refused")).isEqualTo(4.0);
        assertThat(gauge(ControllerMeters.CURRENT, "refused")).isEqualTo(2.0);
    }

    @Test
    void aStandbysAndADryRunsDecisionsAreNotActing() {
        meters.onDecision(upTo4("standby", ScalingMode.DIRECT));
        meters.onDecision(upTo4("dry", ScalingMode.DRY_RUN));

        assertThat(acting("standby")).as("a change nobody here made or tried").isZero();
        assertThat(acting("dry")).isZero();
        // Desired and current stay apart on both, as they do in a cluster: only the acting gauge tells them apart.
        assertThat(gauge(ControllerMeters.DESIRED, "standby")).isEqualTo(4.0);
        assertThat(gauge(ControllerMeters.CURRENT, "standby")).isEqualTo(2.0);
    }

    @Test
    void externalMetricsAndKedaDecisionsAreActingThoughThisControllerNeverWrites() {
        meters.onDecision(upTo4("hpa", ScalingMode.EXTERNAL_METRICS));
        meters.onDecision(upTo4("keda", ScalingMode.KEDA));

        assertThat(acting("hpa")).isEqualTo(1.0);
        assertThat(acting("keda")).isEqualTo(1.0);
    }

    @Test
    void aDirectModeDecisionThatAsksForNoChangeHoldsNothingBack() {
        meters.onDecision(Decisions.decision("llm", "steady", ScalingMode.DIRECT, AT, 3, 3, DecisionReason.WITHIN_TOLERANCE));

        assertThat(acting("steady")).isEqualTo(1.0);
    }

    @Test
    void theGaugeFollowsTheLatestDecision() {
        meters.onDecision(upTo4("chat", ScalingMode.DIRECT));
        assertThat(acting("chat")).isZero();
        // This replica takes the lead and scales.
        meters.onDecision(marked(upTo4("chat", ScalingMode.DIRECT), true, Optional.empty()));
        assertThat(acting("chat")).isEqualTo(1.0);
        // The policy is switched to dry-run.
        meters.onDecision(upTo4("chat", ScalingMode.DRY_RUN));
        assertThat(acting("chat")).isZero();
        assertThat(registry.find(ControllerMeters.ACTING).gauges()).as("one series per workload").hasSize(1);
    }

    @Test
    void theGaugeSaysWhatOneAndZeroMean() {
        meters.onDecision(upTo4("chat", ScalingMode.DIRECT));
        Gauge g = registry.get(ControllerMeters.ACTING).gauge();
        assertThat(g.getId().getDescription()).contains("1 when").contains("0 when").contains("dry-run")
                .contains("standby");
    }

    @Test
    void forgettingAWorkloadRemovesItsGauges() {
        meters.onDecision(upTo4("gone", ScalingMode.DIRECT));
        meters.onDecision(marked(upTo4("kept", ScalingMode.DIRECT), true, Optional.empty()));

        meters.onForget(new WorkloadKey("llm", "gone"));

        for (String name : new String[] {ControllerMeters.DESIRED, ControllerMeters.CURRENT, ControllerMeters.ACTING}) {
            assertThat(registry.find(name).tag("workload", "gone").gauges()).as(name).isEmpty();
            assertThat(registry.find(name).tag("workload", "kept").gauges()).as(name).hasSize(1);
        }
        // Seen again, it gets its gauges back with the new decision's values.
        meters.onDecision(upTo4("gone", ScalingMode.DRY_RUN));
        assertThat(acting("gone")).isZero();
        assertThat(gauge(ControllerMeters.DESIRED, "gone")).isEqualTo(4.0);
    }
}
