package dev.headroom.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code headroom capacity} answers in SLO terms, as text or as one JSON object. */
class CapacityCommandTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new CapacityCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void aPrefillHeavyMixGetsAnSloRateBelowSaturationAndNamesTheBindingTerm() {
        Run r = run("--prompt-tokens", "2000", "--output-tokens", "30", "--ttft-p95", "2s", "--itl-mean", "0.1s");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("saturation rate", "SLO                     TTFT p95 <= 2.00 s, mean ITL <= 100 ms",
                "SLO rate", "% of saturation", "binds", "suggested target        arrivals_ps");
    }

    @Test
    void jsonIsOneObjectWithTheRateTheBindingTermAndTheObjective() throws Exception {
        Run r = run("--prompt-tokens", "2000", "--output-tokens", "30", "--output", "json");
        assertThat(r.exit()).isZero();
        JsonNode answer = new ObjectMapper().readTree(r.out());
        assertThat(answer.get("feasible").asBoolean()).isTrue();
        assertThat(answer.get("slo_rps").asDouble()).isPositive()
                .isLessThan(answer.get("saturation_rps").asDouble());
        assertThat(answer.get("binding").asText()).isIn("ttft", "itl");
        assertThat(answer.get("slo").get("ttft_seconds").asDouble()).isEqualTo(2.0);
        assertThat(answer.get("slo").get("itl_mean_seconds").asDouble()).isEqualTo(0.1);
        assertThat(answer.get("reason").isNull()).isTrue();
        assertThat(answer.has("check")).isFalse();
    }

    @Test
    void thePresetsEngineIsTheCalibratedOneSoTheAnswerMatchesTheSimulatorLibrary() throws Exception {
        JsonNode answer = new ObjectMapper().readTree(run("--output", "json").out());
        double library = dev.headroom.simulator.capacity.CapacityEstimator.estimate(
                dev.headroom.simulator.capacity.Deployment.llama31_8bOnH100().engineConfig(),
                new dev.headroom.simulator.capacity.WorkloadShape(1100, 200)).requestsPerSecond();
        assertThat(answer.get("saturation_rps").asDouble()).isEqualTo(library);
    }

    @Test
    void whenOnePrefillAloneBreaksTheTtftObjectiveItSaysSoInsteadOfATinyRate() throws Exception {
        Run text = run("--prompt-tokens", "12000", "--output-tokens", "300", "--ttft-p95", "500ms");
        assertThat(text.exit()).isZero();
        assertThat(text.out()).contains("SLO rate                none:", "to prefill", "more replicas cannot help")
                .doesNotContain("suggested target");
        JsonNode json = new ObjectMapper().readTree(run("--prompt-tokens", "12000", "--output-tokens", "300",
                "--ttft-p95", "500ms", "--output", "json").out());
        assertThat(json.get("feasible").asBoolean()).isFalse();
        assertThat(json.get("slo_rps").isNull()).isTrue();
        assertThat(json.get("binding").asText()).isEqualTo("infeasible");
        assertThat(json.get("reason").asText()).contains("TTFT objective of 0.50 s");
    }

    @Test
    void aRequestLongerThanTheEnginesContextIsRefusedInsteadOfSized() {
        // 100,000 in + 40,000 out is past Llama-3.1's 131,072-token context: the engine would reject every request,
        // and a concurrency or a rate for it would describe nothing.
        Run r = run("--prompt-tokens", "100000", "--output-tokens", "40000");
        assertThat(r.exit()).isNotZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("100000 prompt + 40000 output tokens", "context of 131,072 tokens");
        assertThat(run("--prompt-tokens", "999999999").err()).contains("longer than the engine's context");
    }

    @Test
    void weightsBeyondTheGpusMemoryAreSaidInGigabytes() {
        Run r = run("--params", "1e30");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("its weights (2.000e+21 GB)", "do not fit the memory budget of 76.97 GB")
                .doesNotContain("-9223");
    }

    @Test
    void aRateBelowOneRequestPerSecondKeepsItsDigits() {
        // One 100,000-token prompt every few minutes per replica: two decimals would print a target of 0.00.
        Run r = run("--prompt-tokens", "100000", "--output-tokens", "20000", "--ttft-p95", "10s");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).doesNotContain("0.00 req/s", "arrivals_ps 0.00 ")
                .containsPattern("suggested target +arrivals_ps 0\\.000[1-9]\\d* per replica");
    }

    @Test
    void anUnknownOutputFormatIsRefusedByName() {
        Run r = run("--output", "yaml");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("--output 'yaml'", "text or json");
    }
}
