package dev.headroom.evaluation;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole evaluation on five minutes of the Azure trace: every policy, twice, and the report. */
class EvaluationTest {

    private static final List<String> FIELD = List.of("static-peak", "hpa-gpu-60", "hpa-gpu-70", "hpa-gpu-80",
            "queue-only", "kv-only", "headroom-defaults", "headroom", "headroom-slo", "oracle");

    private static Scenario scenario;
    private static EvaluationResult first;
    private static EvaluationResult second;
    private static final List<String> progress = new CopyOnWriteArrayList<>();

    static ScenarioOptions shortScenario() {
        return ScenarioOptions.defaults().withPeak(40, 60).withDuration(300).withSeed(7);
    }

    @BeforeAll
    static void runTwice() throws Exception {
        scenario = Scenario.prepare(shortScenario());
        first = Evaluation.run(scenario, r -> progress.add(r.name()));
        second = Evaluation.run(Scenario.prepare(shortScenario()), r -> { });
    }

    @Test
    void everyPolicyServesEveryRequestAndReportsItsFigures() {
        assertThat(first.results()).extracting(PolicyResult::name).containsExactlyElementsOf(FIELD);
        assertThat(progress).containsExactlyInAnyOrderElementsOf(FIELD);
        for (PolicyResult r : first.results()) {
            assertThat(r.requests()).as(r.name()).isEqualTo(scenario.requests().size());
            assertThat(r.sloAttainment()).as(r.name()).isBetween(0.0, 1.0);
            assertThat(r.gpuHours()).as(r.name()).isPositive();
            assertThat(r.ttft().p50()).as(r.name()).isPositive().isLessThanOrEqualTo(r.ttft().p95());
            assertThat(r.ttft().p95()).isLessThanOrEqualTo(r.ttft().p99());
            assertThat(r.itl().p50()).as(r.name()).isPositive().isLessThanOrEqualTo(r.itl().p99());
            assertThat(r.timeline().size()).as(r.name()).isGreaterThanOrEqualTo(20);
        }
        assertThat(first.peakReplicas()).isGreaterThanOrEqualTo(2);
        assertThat(first.result("static-peak").orElseThrow().scaleEvents()).isZero();
    }

    @Test
    void theSameSeedGivesTheSameResults() {
        for (int i = 0; i < first.results().size(); i++) {
            PolicyResult a = first.results().get(i);
            PolicyResult b = second.results().get(i);
            assertThat(b.name()).isEqualTo(a.name());
            assertThat(b.sloAttainment()).as(a.name()).isEqualTo(a.sloAttainment());
            assertThat(b.gpuHours()).as(a.name()).isEqualTo(a.gpuHours());
            assertThat(b.scaleEvents()).as(a.name()).isEqualTo(a.scaleEvents());
            assertThat(b.ttft()).as(a.name()).isEqualTo(a.ttft());
            assertThat(b.itl()).as(a.name()).isEqualTo(a.itl());
            assertThat(b.timeline().desired()).as(a.name()).containsExactly(a.timeline().desired());
        }
        assertThat(second.capacityPerReplica()).isEqualTo(first.capacityPerReplica());
    }

    @Test
    void theOracleNeverCostsMoreThanStaticPeak() {
        PolicyResult oracle = first.result("oracle").orElseThrow();
        PolicyResult fixed = first.result("static-peak").orElseThrow();
        assertThat(oracle.gpuHours()).isLessThanOrEqualTo(fixed.gpuHours());
        assertThat(oracle.maxReplicas()).isLessThanOrEqualTo(fixed.maxReplicas());
    }

    @Test
    void theGpuUtilisationHpaScalesOnABusyGpuWhateverItsHeadroom() {
        // A continuous-batching engine with any request in flight steps back to back, so NVML reads near 100 %:
        // the HPA on GPU utilisation asks for more replicas than the oracle ever needs.
        PolicyResult gpu = first.result("hpa-gpu-70").orElseThrow();
        assertThat(gpu.maxReplicas()).isGreaterThan(first.result("oracle").orElseThrow().maxReplicas());
    }

    @Test
    void theReportNamesEveryPolicyAndTheCommand(@TempDir Path dir) throws Exception {
        Path report = ReportWriter.write(first, dir.resolve("out"), "./headroom evaluate --duration 300");
        String text = Files.readString(report);
        assertThat(text).contains("./headroom evaluate --duration 300", "**Verdict**", ReportWriter.CHART);
        for (String name : FIELD) {
            assertThat(text).contains("| " + name + " |");
        }
        byte[] png = Files.readAllBytes(dir.resolve("out").resolve(ReportWriter.CHART));
        assertThat(png.length).isGreaterThan(10_000);
        assertThat(new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }
}
