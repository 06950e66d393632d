package dev.headroom.collectors.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.collectors.exposition.Exposition;
import dev.headroom.collectors.exposition.ExpositionFormat;
import dev.headroom.collectors.exposition.ExpositionParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The vLLM-like engines are tables of names read by one implementation; the tables are pinned here. */
class VllmLikeDialectTest {

    private static final Instant AT = Instant.parse("2025-06-01T12:00:00Z");

    @Test
    void lmdeployIsVllmV0UnderItsPrefixWithItsOwnInterTokenName() {
        assertThat(LmdeployDialect.NAMES.families()).containsExactlyInAnyOrderElementsOf(Set.of(
                "lmdeploy:num_requests_waiting", "lmdeploy:num_requests_running", "lmdeploy:gpu_cache_usage_perc",
                "lmdeploy:prompt_tokens_total", "lmdeploy:prompt_tokens", "lmdeploy:generation_tokens_total",
                "lmdeploy:generation_tokens", "lmdeploy:num_preemptions_total", "lmdeploy:num_preemptions",
                "lmdeploy:request_success_total", "lmdeploy:request_success", "lmdeploy:time_to_first_token_seconds",
                "lmdeploy:iter_token_latency", "lmdeploy:e2e_request_latency_seconds",
                "lmdeploy:request_queue_time_seconds"));
        assertThat(new LmdeployDialect().name()).isEqualTo("lmdeploy");
    }

    @Test
    void trtllmServeHasItsKvNameAndNoPreemptionCounter() {
        assertThat(TrtllmServeDialect.NAMES.families()).containsExactlyInAnyOrderElementsOf(Set.of(
                "trtllm_num_requests_waiting", "trtllm_num_requests_running", "trtllm_kv_cache_utilization",
                "trtllm_prompt_tokens_total", "trtllm_prompt_tokens", "trtllm_generation_tokens_total",
                "trtllm_generation_tokens", "trtllm_request_success_total", "trtllm_request_success",
                "trtllm_time_to_first_token_seconds", "trtllm_time_per_output_token_seconds",
                "trtllm_e2e_request_latency_seconds", "trtllm_request_queue_time_seconds"));
        assertThat(new TrtllmServeDialect().name()).isEqualTo("trtllm-serve");
    }

    @Test
    void anyOneOfQueueRunningOrKvIsEnoughToRecogniseTheEngine() throws Exception {
        for (String marker : new String[] {"lmdeploy:num_requests_waiting", "lmdeploy:num_requests_running",
                "lmdeploy:gpu_cache_usage_perc"}) {
            assertThat(new LmdeployDialect().recognises(parse("# TYPE " + marker + " gauge\n" + marker + " 1\n")))
                    .as(marker).isTrue();
        }
        assertThat(new LmdeployDialect().recognises(parse("lmdeploy:prompt_tokens_total 5\n"))).isFalse();
    }

    @Test
    void aTableWithAnotherUnitScalesLatenciesToSeconds() throws Exception {
        VllmLikeDialect millis = new VllmLikeDialect(new VllmLikeDialect.Names("ms-engine", "ms_", "waiting",
                "running", "kv", "prompt_total", "gen_total", null, "done_total", "ttft_ms", "itl_ms", "e2e_ms",
                "queue_ms", "model", 0.001));
        Exposition e = parse("""
                # TYPE ms_running gauge
                ms_running{model="m"} 3
                # TYPE ms_prompt counter
                ms_prompt_total{model="m"} 40
                # TYPE ms_ttft_ms histogram
                ms_ttft_ms_bucket{model="m",le="100"} 2
                ms_ttft_ms_bucket{model="m",le="+Inf"} 4
                ms_ttft_ms_sum{model="m"} 500
                ms_ttft_ms_count{model="m"} 4
                """);
        EngineSample s = millis.read(e, AT).sample();
        assertThat(s.engine()).isEqualTo(new EngineIdentity("ms-engine", "m", null));
        assertThat(s.gauge(GaugeSignal.RUNNING)).hasValue(3.0);
        assertThat(s.counter(CounterSignal.PROMPT_TOKENS)).hasValue(40.0);
        Histogram ttft = s.latency(LatencySignal.TTFT).orElseThrow();
        assertThat(ttft.sum()).isEqualTo(0.5);
        assertThat(ttft.upperBound(0)).isEqualTo(0.1);
    }

    @Test
    void aCounterNotNamedAsPrometheusTextNamesItIsRefused() {
        assertThatThrownBy(() -> VllmLikeDialect.Names.vllmV0("x", "x_").withKvUtilization(null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new VllmLikeDialect.Names("x", "x_", "w", "r", "kv", "prompt", "gen_total", null,
                "done_total", "t", "i", "e", "q", "model", 1.0))
                .hasMessageContaining("counter prompt must be named as in Prometheus text (_total)");
    }

    private static Exposition parse(String text) throws Exception {
        return new ExpositionParser().parse(text.getBytes(StandardCharsets.UTF_8), ExpositionFormat.PROMETHEUS_TEXT);
    }
}
