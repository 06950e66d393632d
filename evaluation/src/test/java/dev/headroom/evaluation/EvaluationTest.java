package dev.headroom.evaluation;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    void everyMissIsPlacedOnTheTimelineAndTheReportSaysWhenTheyFell(@TempDir Path dir) throws Exception {
        for (PolicyResult r : first.results()) {
            long missed = Math.round((1 - r.sloAttainment()) * r.requests());
            assertThat(r.timeline().missedTotal()).as(r.name()).isEqualTo(missed);
        }
        String text = Files.readString(ReportWriter.write(first, dir.resolve("out"), "./headroom evaluate"));
        for (PolicyResult r : first.results()) {
            if (r.timeline().missedTotal() > 0) {
                assertThat(text).contains("- `" + r.name() + "`: " + String.format(java.util.Locale.ROOT, "%,d",
                        r.timeline().missedTotal()) + " requests missed");
            } else {
                assertThat(text).doesNotContain("- `" + r.name() + "`: 0 requests missed");
            }
        }
    }

    @Test
    void whereTheMissesFellNamesTheirSpanAndTheDensestFiveMinutes() {
        // Ticks every 15 s for 20 minutes; 90 misses between 120 and 300 s, 10 more at 900 s.
        int n = 80;
        double[] seconds = new double[n];
        int[] missed = new int[n];
        for (int i = 0; i < n; i++) {
            seconds[i] = 15 * (i + 1);
        }
        for (int i = 8; i < 20; i++) {
            missed[i] = i == 8 ? 2 : 8; // ticks ending at 135 … 300 s: 2 + 11 × 8 = 90
        }
        missed[59] = 10; // the tick ending at 900 s
        PolicyResult.Timeline t = new PolicyResult.Timeline(seconds, new double[n], new int[n], new int[n],
                new int[n], missed);
        PolicyResult r = new PolicyResult("p", "d", 10_000, new PolicyResult.Quantiles(1, 1, 1),
                new PolicyResult.Quantiles(1, 1, 1), 0.99, 1, 0, 1, 1, 0, t);
        assertThat(ReportWriter.whereMissesFell(r)).hasValue("`p`: 100 requests missed (1.00 %), arriving from"
                + " 120 s to 900 s; the densest 5 minutes (from 120 s) hold 90 % of them");
        PolicyResult clean = new PolicyResult("q", "d", 10_000, new PolicyResult.Quantiles(1, 1, 1),
                new PolicyResult.Quantiles(1, 1, 1), 1.0, 1, 0, 1, 1, 0,
                new PolicyResult.Timeline(seconds, new double[n], new int[n], new int[n], new int[n]));
        assertThat(ReportWriter.whereMissesFell(clean)).isEmpty();
        assertThat(PolicyResult.Timeline.perTick(new double[] {15, 30, 45}, new double[] {0, 15, 15.5, 44, 99}))
                .containsExactly(2, 1, 2);
    }

    @Test
    void theReportNamesEveryPolicyAndTheCommand(@TempDir Path dir) throws Exception {
        Path report = ReportWriter.write(first, dir.resolve("out"), "./headroom evaluate --duration 300");
        String text = Files.readString(report);
        assertThat(text).contains("./headroom evaluate --duration 300", "**Verdict**", ReportWriter.CHART,
                "- Oracle: ", "Sized by peak rate");
        for (String name : FIELD) {
            assertThat(text).contains("| " + name + " |");
        }
        // The verdict judges the SLO-only set-up first, then the hand-configured one, each with both halves.
        String verdict = ReportWriter.verdict(first);
        assertThat(verdict).containsSubsequence("headroom-slo (the SLO alone): SLO attainment", "GPU-hours",
                "headroom (hand targets): SLO attainment", "GPU-hours");
        assertThat(text).contains(verdict);
        byte[] png = Files.readAllBytes(dir.resolve("out").resolve(ReportWriter.CHART));
        assertThat(png.length).isGreaterThan(10_000);
        assertThat(new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    @Test
    @SuppressWarnings("unchecked")
    void resultsJsonHasOneObjectPerPolicyWithAttainmentAsAFraction(@TempDir Path dir) throws Exception {
        ReportWriter.write(first, dir, "./headroom evaluate");
        List<Object> results = (List<Object>) readJson(dir.resolve(ResultsJson.RESULTS));
        assertThat(results).hasSize(FIELD.size());
        for (int i = 0; i < FIELD.size(); i++) {
            Map<String, Object> row = (Map<String, Object>) results.get(i);
            PolicyResult r = first.results().get(i);
            assertThat(row).containsKeys("policy", "slo_attainment", "gpu_hours", "vs_oracle", "meets_slo_target",
                    "ttft_seconds", "itl_seconds", "description");
            assertThat(row.get("policy")).isEqualTo(FIELD.get(i));
            assertThat((Double) row.get("slo_attainment")).isEqualTo(r.sloAttainment()).isBetween(0.0, 1.0);
            assertThat((Double) row.get("gpu_hours")).isEqualTo(r.gpuHours());
            assertThat((Double) row.get("vs_oracle")).isEqualTo(
                    r.gpuHours() / first.result("oracle").orElseThrow().gpuHours());
            assertThat((Map<String, Object>) row.get("ttft_seconds")).containsOnlyKeys("p50", "p95", "p99");
        }
        assertThat(((Map<String, Object>) results.get(FIELD.size() - 1)).get("vs_oracle")).isEqualTo(1.0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void scenarioJsonCarriesTheOraclesFeasibilityAndTheScenariosParameters(@TempDir Path dir) throws Exception {
        ReportWriter.write(first, dir, "./headroom evaluate");
        Map<String, Object> scenarioJson = (Map<String, Object>) readJson(dir.resolve(ResultsJson.SCENARIO));
        assertThat(scenarioJson).containsKeys("oracle_feasible", "oracle_infeasible_because", "oracle", "trace",
                "sizing", "cluster", "slo", "seed", "warnings");
        assertThat(scenarioJson.get("oracle_feasible")).isEqualTo(first.oracle().feasible());
        assertThat((List<Object>) scenarioJson.get("oracle_infeasible_because")).hasSize(
                first.oracle().infeasibleBecause().size());
        Map<String, Object> trace = (Map<String, Object>) scenarioJson.get("trace");
        assertThat(trace.get("requests")).isEqualTo((long) scenario.requests().size());
        assertThat(trace.get("timestamps")).isEqualTo("date-times, UTC");
        assertThat(((Map<String, Object>) scenarioJson.get("sizing")).get("by")).isEqualTo("peak_rate");
        assertThat(((Map<String, Object>) scenarioJson.get("slo")).get("attainment_target")).isEqualTo(0.99);
        assertThat(((Map<String, Object>) scenarioJson.get("cluster")).get("cold_start_seconds")).isEqualTo(90.0);
        assertThat(scenarioJson.get("seed")).isEqualTo(7L);
    }

    /** A JSON document as maps, lists, strings, longs, doubles, booleans and nulls, read with jackson-core. */
    static Object readJson(Path file) throws Exception {
        try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
            Object value = value(p, p.nextToken());
            assertThat(p.nextToken()).as("one document").isNull();
            return value;
        }
    }

    private static Object value(JsonParser p, JsonToken t) throws Exception {
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
                    String name = p.currentName();
                    assertThat(m).as("duplicate key " + name).doesNotContainKey(name);
                    m.put(name, value(p, p.nextToken()));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    l.add(value(p, e));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return p.getBooleanValue();
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new AssertionError("unexpected " + t);
        }
    }
}
