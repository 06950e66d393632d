package dev.headroom.agent.controller;

import dev.headroom.agent.external.Decisions;
import dev.headroom.autoscaler.kubernetes.WorkloadDecision;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.loop.ScaleInMarks;
import dev.headroom.autoscaler.loop.ScaleInRanking;
import dev.headroom.autoscaler.policy.DecisionReason;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /v1/decisions} says which pods a scale-in marked and why, and nothing when there was none. */
class DecisionsViewScaleInTest {

    @Test
    void theScaleInMarksAreInTheDecisionsView() {
        WorkloadDecision plain = Decisions.decision("llm", "engine", ScalingMode.DIRECT,
                Instant.parse("2026-12-04T10:00:00Z"), 3, 2, DecisionReason.SCALE_DOWN);
        assertThat(DecisionsResource.view(plain)).containsEntry("scaleIn", null);

        ScaleInRanking ranking = new ScaleInRanking(List.of(
                new ScaleInRanking.RankedReplica("engine-b", 0, 0, 0, 0.05, ""),
                new ScaleInRanking.RankedReplica("engine-a", 1, 5, 1, 0.6, "")));
        WorkloadDecision marked = new WorkloadDecision(plain.key(), plain.target(), plain.mode(), plain.spec(), 3,
                plain.decision(), true, Optional.empty(), Optional.of(new ScaleInMarks(ranking, 1, true,
                "pod-deletion-cost set on 2 of 2 pods")));

        @SuppressWarnings("unchecked")
        Map<String, Object> scaleIn = (Map<String, Object>) DecisionsResource.view(marked).get("scaleIn");
        assertThat(scaleIn).containsEntry("removing", 1).containsEntry("applied", true)
                .containsEntry("victims", List.of("engine-b"));
        assertThat((List<?>) scaleIn.get("ranking")).first().isEqualTo(Map.of("pod", "engine-b", "cost", 0,
                "why", "running 0 + waiting 0, kv 0.05"));
    }
}
