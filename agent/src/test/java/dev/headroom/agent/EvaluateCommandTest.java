package dev.headroom.agent;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code headroom evaluate} and {@code headroom capacity} as a user runs them. */
@QuarkusMainTest
class EvaluateCommandTest {

    @Test
    void helpNamesTheOptions(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("evaluate", "--help");
        assertThat(result.exitCode()).isZero();
        assertThat(result.getOutput()).contains("--trace", "--peak-rate", "--cold-start", "--slo-ttft", "--report-dir",
                "--output");
        assertThat(result.getErrorOutput()).as("no picocli warning (an unescaped %)").isEmpty();
    }

    @Test
    void theSuiteIsAnOptionWhoseSeedCountIsChecked(QuarkusMainLauncher launcher) {
        LaunchResult help = launcher.launch("evaluate", "--help");
        assertThat(help.getOutput()).contains("--suite", "--suite-seeds", "--suite-set", "held-out", "mix-shift");
        LaunchResult noSeeds = launcher.launch("evaluate", "--suite", "--suite-seeds", "0");
        assertThat(noSeeds.exitCode()).isEqualTo(2);
        assertThat(noSeeds.getErrorOutput()).contains("--suite-seeds", "0").doesNotContain("at dev.headroom");
        LaunchResult endless = launcher.launch("evaluate", "--suite", "--suite-seeds", "100000");
        assertThat(endless.exitCode()).isEqualTo(2);
        assertThat(endless.getErrorOutput()).contains("--suite-seeds must be 1 to 100, was 100000");
        LaunchResult badSet = launcher.launch("evaluate", "--suite", "--suite-set", "tuned");
        assertThat(badSet.exitCode()).isEqualTo(2);
        assertThat(badSet.getErrorOutput()).contains("--suite-set", "tuned", "held-out").doesNotContain("at dev.headroom");
        LaunchResult noScenario = launcher.launch("evaluate", "--suite-scenario", "nightly");
        assertThat(noScenario.exitCode()).isEqualTo(2);
        assertThat(noScenario.getErrorOutput()).contains("nightly", "mix-shift", "reasoning");
    }

    @Test
    void aShortRunReportsEveryPolicyAndWritesTheReport(QuarkusMainLauncher launcher, @TempDir Path dir) throws Exception {
        Path out = dir.resolve("report");
        LaunchResult result = launcher.launch("evaluate", "--duration", "90", "--peak-rate", "30",
                "--report-dir", out.toString());
        assertThat(result.exitCode()).as(result.getErrorOutput()).isZero();
        assertThat(result.getOutput()).contains("static-peak", "hpa-gpu-60", "hpa-gpu-70", "hpa-gpu-80", "queue-only",
                "kv-only", "headroom", "oracle", "Verdict");
        String report = Files.readString(out.resolve("evaluation.md"));
        assertThat(report).contains("./headroom evaluate --duration 90 --peak-rate 30", "| headroom |", "| oracle |");
        assertThat(Files.size(out.resolve("evaluation-replicas.png"))).isGreaterThan(10_000);
    }

    @Test
    void mistakesAreUsageErrorsNamingTheOption(QuarkusMainLauncher launcher, @TempDir Path dir) {
        LaunchResult badBalancer = launcher.launch("evaluate", "--balancer", "random");
        assertThat(badBalancer.exitCode()).isEqualTo(2);
        assertThat(badBalancer.getErrorOutput()).contains("--balancer", "random", "least-requests");

        LaunchResult noTrace = launcher.launch("evaluate", "--trace", dir.resolve("missing.csv").toString());
        assertThat(noTrace.exitCode()).isEqualTo(2);
        assertThat(noTrace.getErrorOutput()).contains("--trace", "missing.csv").doesNotContain("at dev.headroom");

        LaunchResult badSlo = launcher.launch("evaluate", "--slo-attainment", "2");
        assertThat(badSlo.exitCode()).isEqualTo(2);
        assertThat(badSlo.getErrorOutput()).contains("attainment");

        LaunchResult badTarget = launcher.launch("evaluate", "--headroom-target", "gpu_util=0.7");
        assertThat(badTarget.exitCode()).isEqualTo(2);
        assertThat(badTarget.getErrorOutput()).contains("--headroom-target", "gpu_util").doesNotContain("at dev.headroom");

        LaunchResult oldOutput = launcher.launch("evaluate", "--output", dir.toString());
        assertThat(oldOutput.exitCode()).isEqualTo(2);
        assertThat(oldOutput.getErrorOutput()).contains("--output", "text or json", "--report-dir");

        LaunchResult badLead = launcher.launch("evaluate", "--headroom-lead", "-5");
        assertThat(badLead.exitCode()).isEqualTo(2);
        assertThat(badLead.getErrorOutput()).contains("--headroom-lead", "-5");
    }

    @Test
    void theHeadroomRowCanBeSetUpAnotherWayAndSaysHow(QuarkusMainLauncher launcher, @TempDir Path dir)
            throws Exception {
        Path out = dir.resolve("report");
        LaunchResult result = launcher.launch("evaluate", "--duration", "90", "--peak-rate", "30",
                "--headroom-target", "itl_p95=0.1", "--headroom-target", "itl_mean=none", "--headroom-lead", "0",
                "--headroom-scale-down-window", "300", "--report-dir", out.toString(), "--output", "json");
        assertThat(result.exitCode()).as(result.getErrorOutput()).isZero();
        // --output json: stdout is one JSON document, the scenario and every policy's results; progress on stderr.
        // (The test launcher hands Quarkus' own dated start-up log lines over with the output.)
        String json = result.getOutput().lines()
                .filter(line -> !line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S* (INFO|WARN) .*"))
                .collect(java.util.stream.Collectors.joining("\n"));
        JsonNode answer = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(json);
        assertThat(answer.get("scenario").isObject()).isTrue();
        assertThat(answer.get("results").findValuesAsText("policy")).contains("headroom", "oracle", "static-peak");
        assertThat(result.getErrorOutput()).contains("Verdict");
        String report = Files.readString(out.resolve("evaluation.md"));
        assertThat(report).contains("changed for this run: itl_mean=none, itl_p95=0.1, forecast lead 0 s,"
                + " scale-down window 300 s");
    }

    @Test
    void capacityPrintsTheKvArithmeticForAShape(QuarkusMainLauncher launcher) {
        // Llama-3.1-8B by shape: 2 × 32 × 8 × 128 × 2 B = 131,072 B per token; 448,304 KV tokens on an H100
        LaunchResult result = launcher.launch("capacity", "--layers", "32", "--kv-heads", "8", "--head-dim", "128",
                "--dtype", "bf16", "--params", "8.03e9", "--prompt-tokens", "1100", "--output-tokens", "200");
        assertThat(result.exitCode()).as(result.getErrorOutput()).isZero();
        assertThat(result.getOutput()).contains("131,072", "448,304", "max_num_seqs", "17.73");
        // Batch-bound: the cache is 0.69 full when the batch is, so the KV default target never binds; the
        // suggested arrivals target is the lower of the SLO rate (16.80 req/s) and 0.90 × 17.73 req/s.
        assertThat(result.getOutput()).contains("KV at the batch limit   0.69 (never reaches the default",
                "SLO rate                16.80 req/s", "suggested target        arrivals_ps 15.96 per replica",
                "leadTimeSeconds");
    }

    @Test
    void capacityAgreesWithTheSimulatorOnTwoShapes(QuarkusMainLauncher launcher) {
        LaunchResult small = launcher.launch("capacity", "--preset", "llama-3.1-8b-h100", "--check");
        assertThat(small.exitCode()).as(small.getErrorOutput()).isZero();
        assertThat(small.getOutput()).contains("simulator:", "(within 10 %)");

        LaunchResult large = launcher.launch("capacity", "--preset", "llama-3.1-70b-4xh100", "--check");
        assertThat(large.exitCode()).as(large.getErrorOutput()).isZero();
        assertThat(large.getOutput()).contains("simulator:", "(within 10 %)");
    }

    @Test
    void capacityRejectsAShapeThatLeavesNoCache(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("capacity", "--params", "70e9", "--gpus", "1");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.getErrorOutput()).contains("leaves no KV cache");

        LaunchResult dtype = launcher.launch("capacity", "--dtype", "fp4x");
        assertThat(dtype.exitCode()).isEqualTo(2);
        assertThat(dtype.getErrorOutput()).contains("--dtype", "fp4x");
    }
}
