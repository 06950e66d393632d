package dev.headroom.collectors.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.collectors.Fixtures;
import dev.headroom.collectors.exposition.Exposition;
import dev.headroom.collectors.exposition.ExpositionFormat;
import dev.headroom.collectors.exposition.ExpositionParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The vLLM dialect against real V0, V1, mixed and NIM payloads, with the numbers read by hand from the files. */
class VllmDialectTest {

    private static final Instant AT = Instant.parse("2025-01-01T00:00:00Z");
    private final VllmDialect dialect = new VllmDialect();
    private final ExpositionParser parser = new ExpositionParser();

    private EngineReading read(byte[] body, ExpositionFormat format) throws Exception {
        Exposition e = parser.parse(body, format, dialect.families());
        assertThat(dialect.recognises(e)).isTrue();
        return dialect.read(e, AT);
    }

    private EngineReading read(String fixture) throws Exception {
        return read(Fixtures.engine(fixture), ExpositionFormat.PROMETHEUS_TEXT);
    }

    private EngineReading read(String text, ExpositionFormat format) throws Exception {
        return read(text.getBytes(StandardCharsets.UTF_8), format);
    }

    @Test
    void v1AscendPayload() throws Exception {
        EngineReading r = read(Fixtures.VLLM_V1);
        EngineSample s = r.sample();
        assertThat(s.scrapedAt()).isEqualTo(AT);
        assertThat(s.engine()).isEqualTo(EngineIdentity.of("vllm-v1", "/job/model/Qwen2.5-0.5B-Instruct"));
        assertThat(s.gauge(GaugeSignal.QUEUE)).hasValue(0.0);
        assertThat(s.gauge(GaugeSignal.RUNNING)).hasValue(0.0);
        assertThat(s.gauge(GaugeSignal.KV_UTILIZATION)).hasValue(1.3798051715085968e-05);
        assertThat(s.gauge(GaugeSignal.KV_CAPACITY_TOKENS)).hasValue(72_474.0 * 128);
        assertThat(s.counter(CounterSignal.PROMPT_TOKENS)).hasValue(39.0);
        assertThat(s.counter(CounterSignal.GENERATION_TOKENS)).hasValue(26.0);
        assertThat(s.counter(CounterSignal.PREEMPTIONS)).hasValue(0.0);
        assertThat(s.counter(CounterSignal.REQUESTS_FINISHED)).hasValue(3.0); // stop 1 + length 2 + abort 0
        Histogram ttft = s.latency(LatencySignal.TTFT).orElseThrow();
        assertThat(ttft.count()).isEqualTo(3.0);
        assertThat(ttft.sum()).isEqualTo(0.12277722358703613);
        assertThat(ttft.bucketCount()).isEqualTo(23);
        assertThat(ttft.upperBound(5)).isEqualTo(0.06);
        assertThat(ttft.cumulativeCount(5)).isEqualTo(2.0);
        assertThat(ttft.upperBound(22)).isEqualTo(Double.POSITIVE_INFINITY);
        Histogram itl = s.latency(LatencySignal.ITL).orElseThrow(); // 0.10 still names it time_per_output_token
        assertThat(itl.cumulativeCount(0)).isEqualTo(18.0);
        assertThat(itl.count()).isEqualTo(23.0);
        assertThat(s.latency(LatencySignal.E2E).orElseThrow().sum()).isEqualTo(0.3462679386138916);
        assertThat(s.latency(LatencySignal.QUEUE_TIME).orElseThrow().sum()).isEqualTo(0.00020627000776585191);
        assertThat(r.usedFamilies()).contains("vllm:kv_cache_usage_perc", "vllm:time_per_output_token_seconds")
                .doesNotContain("vllm:gpu_cache_usage_perc", "vllm:prompt_tokens_created");
    }

    @Test
    void v0Payload() throws Exception {
        EngineSample s = read(Fixtures.VLLM_V0).sample();
        assertThat(s.engine()).isEqualTo(EngineIdentity.of("vllm-v0", "facebook/opt-125m"));
        assertThat(s.gauge(GaugeSignal.KV_UTILIZATION)).hasValue(0.0);
        assertThat(s.gauge(GaugeSignal.KV_CAPACITY_TOKENS)).hasValue(7281.0 * 16);
        assertThat(s.counter(CounterSignal.PROMPT_TOKENS)).hasValue(5.0);
        assertThat(s.counter(CounterSignal.GENERATION_TOKENS)).hasValue(7.0);
        assertThat(s.counter(CounterSignal.REQUESTS_FINISHED)).hasValue(1.0);
        Histogram itl = s.latency(LatencySignal.ITL).orElseThrow();
        assertThat(itl.count()).isEqualTo(6.0);
        assertThat(itl.sum()).isEqualTo(0.19016313552856445);
        assertThat(s.latency(LatencySignal.TTFT).orElseThrow().cumulativeCount(9)).isEqualTo(1.0);
        // V0 0.4 had no queue-time histogram: absent, not zero
        assertThat(s.latency(LatencySignal.QUEUE_TIME)).isEmpty();
    }

    @Test
    void mixedPayloadPrefersTheNewNames() throws Exception {
        EngineReading r = read(Fixtures.VLLM_MIXED);
        EngineSample s = r.sample();
        assertThat(s.engine().dialect()).isEqualTo("vllm-v1");
        Histogram itl = s.latency(LatencySignal.ITL).orElseThrow();
        assertThat(itl.upperBounds()).containsExactly(0.01, 0.1, Double.POSITIVE_INFINITY);
        assertThat(itl.cumulativeCounts()).containsExactly(141.0, 144.0, 144.0);
        assertThat(s.latency(LatencySignal.QUEUE_TIME).orElseThrow().count()).isEqualTo(6.0);
        assertThat(r.usedFamilies()).contains("vllm:kv_cache_usage_perc", "vllm:inter_token_latency_seconds")
                .doesNotContain("vllm:gpu_cache_usage_perc", "vllm:time_per_output_token_seconds");
    }

    @Test
    void nimUsesUnprefixedV0Names() throws Exception {
        EngineSample s = read(Fixtures.NIM).sample();
        assertThat(s.engine()).isEqualTo(EngineIdentity.of("vllm-nim", "meta/llama-3.1-8b-instruct"));
        assertThat(s.gauge(GaugeSignal.RUNNING)).hasValue(1.0);
        assertThat(s.gauge(GaugeSignal.QUEUE)).hasValue(0.0);
        assertThat(s.gauge(GaugeSignal.KV_UTILIZATION)).hasValue(0.0002848191398461977);
        assertThat(s.counter(CounterSignal.PROMPT_TOKENS)).hasValue(109.0);
        assertThat(s.counter(CounterSignal.GENERATION_TOKENS)).hasValue(174.0);
        assertThat(s.counter(CounterSignal.REQUESTS_FINISHED)).hasValue(5.0);
        assertThat(s.latency(LatencySignal.TTFT).orElseThrow().cumulativeCount(3)).isEqualTo(2.0);
        assertThat(s.latency(LatencySignal.E2E).orElseThrow().sum()).isEqualTo(2.4688401222229004);
        // NIM exposes neither preemptions nor cache_config_info: unknown, never zero
        assertThat(s.counter(CounterSignal.PREEMPTIONS)).isEmpty();
        assertThat(s.gauge(GaugeSignal.KV_CAPACITY_TOKENS)).isEmpty();
    }

    private static final String TWO_RANKS = """
            # TYPE vllm:num_requests_waiting gauge
            vllm:num_requests_waiting{engine="0",model_name="m"} 3.0
            vllm:num_requests_waiting{engine="1",model_name="m"} 4.0
            # TYPE vllm:num_requests_running gauge
            vllm:num_requests_running{engine="0",model_name="m"} 10.0
            vllm:num_requests_running{engine="1",model_name="m"} 12.0
            # TYPE vllm:kv_cache_usage_perc gauge
            vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.5
            vllm:kv_cache_usage_perc{engine="1",model_name="m"} 0.75
            # TYPE vllm:cache_config_info gauge
            vllm:cache_config_info{block_size="16",engine="0",num_gpu_blocks="1000"} 1.0
            vllm:cache_config_info{block_size="16",engine="1",num_gpu_blocks="1000"} 1.0
            # TYPE vllm:num_preemptions_total counter
            vllm:num_preemptions_total{engine="0",model_name="m"} 2.0
            vllm:num_preemptions_total{engine="1",model_name="m"} 5.0
            # TYPE vllm:num_preemptions_created gauge
            vllm:num_preemptions_created{engine="0",model_name="m"} 1.7e+09
            # TYPE vllm:request_success_total counter
            vllm:request_success_total{engine="0",finished_reason="stop",model_name="m"} 7.0
            vllm:request_success_total{engine="1",finished_reason="length",model_name="m"} 1.0
            # TYPE vllm:time_to_first_token_seconds histogram
            vllm:time_to_first_token_seconds_sum{engine="0",model_name="m"} 1.5
            vllm:time_to_first_token_seconds_bucket{engine="0",le="0.1",model_name="m"} 1.0
            vllm:time_to_first_token_seconds_bucket{engine="0",le="1.0",model_name="m"} 4.0
            vllm:time_to_first_token_seconds_bucket{engine="0",le="+Inf",model_name="m"} 5.0
            vllm:time_to_first_token_seconds_count{engine="0",model_name="m"} 5.0
            vllm:time_to_first_token_seconds_bucket{engine="1",le="1",model_name="m"} 2.0
            vllm:time_to_first_token_seconds_bucket{engine="1",le="+Inf",model_name="m"} 2.0
            vllm:time_to_first_token_seconds_bucket{engine="1",le="1e-1",model_name="m"} 0.0
            vllm:time_to_first_token_seconds_count{engine="1",model_name="m"} 2.0
            vllm:time_to_first_token_seconds_sum{engine="1",model_name="m"} 0.5
            """;

    @Test
    void dataParallelRanksAreSummedAndKvUtilisationAveraged() throws Exception {
        EngineSample s = read(TWO_RANKS, ExpositionFormat.PROMETHEUS_TEXT).sample();
        assertThat(s.gauge(GaugeSignal.QUEUE)).hasValue(7.0);
        assertThat(s.gauge(GaugeSignal.RUNNING)).hasValue(22.0);
        assertThat(s.gauge(GaugeSignal.KV_UTILIZATION)).hasValue(0.625);
        assertThat(s.gauge(GaugeSignal.KV_CAPACITY_TOKENS)).hasValue(32_000.0);
        assertThat(s.counter(CounterSignal.PREEMPTIONS)).hasValue(7.0);
        assertThat(s.counter(CounterSignal.REQUESTS_FINISHED)).hasValue(8.0);
        Histogram ttft = s.latency(LatencySignal.TTFT).orElseThrow();
        // "1.0" and "1", "0.1" and "1e-1" are the same bound: compared as numbers
        assertThat(ttft.upperBounds()).containsExactly(0.1, 1.0, Double.POSITIVE_INFINITY);
        assertThat(ttft.cumulativeCounts()).containsExactly(1.0, 6.0, 7.0);
        assertThat(ttft.count()).isEqualTo(7.0);
        assertThat(ttft.sum()).isEqualTo(2.0);
        assertThat(s.engine().dialect()).isEqualTo("vllm-v1");
    }

    @Test
    void rayPrefixAndOpenMetricsCounterNames() throws Exception {
        String om = """
                # TYPE ray_vllm:num_requests_running gauge
                ray_vllm:num_requests_running{model_name="llama",engine="0"} 2.0
                # TYPE ray_vllm:prompt_tokens counter
                ray_vllm:prompt_tokens_total{model_name="llama",engine="0"} 120.0
                ray_vllm:prompt_tokens_created{model_name="llama",engine="0"} 1.7e+09
                # EOF
                """;
        EngineSample s = read(om, ExpositionFormat.OPENMETRICS).sample();
        assertThat(s.engine().model()).isEqualTo("llama");
        assertThat(s.gauge(GaugeSignal.RUNNING)).hasValue(2.0);
        assertThat(s.counter(CounterSignal.PROMPT_TOKENS)).hasValue(120.0); // _created is not added in
        assertThat(s.gauge(GaugeSignal.QUEUE)).isEmpty();
    }

    /**
     * Ray Serve re-exports vLLM's metrics under its own prefix: {@code ray_vllm_} now (Ray's metric names cannot hold
     * a colon), {@code ray_vllm:} in older releases. The real V1 payload under each reads exactly as unprefixed, and
     * the identity says it is behind Ray.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ray_vllm_", "ray_vllm:"})
    void rayPrefixesReadTheRealPayloadAsUnprefixedAndSayBehindRay(String prefix) {
        String original = new String(Fixtures.engine(Fixtures.VLLM_V1), StandardCharsets.UTF_8);
        String behindRay = original.replace("vllm:", prefix);
        SampleReader reader = new SampleReader(DialectRegistry.standard());
        ReadOutcome.Read plain = (ReadOutcome.Read) reader.read(original.getBytes(StandardCharsets.UTF_8),
                ExpositionFormat.PROMETHEUS_TEXT, AT);
        ReadOutcome.Read ray = (ReadOutcome.Read) reader.read(behindRay.getBytes(StandardCharsets.UTF_8),
                ExpositionFormat.PROMETHEUS_TEXT, AT);
        assertThat(ray.dialect()).isEqualTo(VllmDialect.NAME);
        assertThat(ray.sample().engine().dialect()).isEqualTo("vllm-v1-ray");
        assertThat(ray.sample().engine().deployment()).hasValue("behind Ray");
        assertThat(ray.sample().engine().toString()).endsWith("behind Ray");
        assertThat(ray.sample().gauges()).isEqualTo(plain.sample().gauges());
        assertThat(ray.sample().counters()).isEqualTo(plain.sample().counters());
        assertThat(ray.sample().latencies()).isEqualTo(plain.sample().latencies());
        assertThat(plain.sample().engine().deployment()).isEmpty();
    }

    @Test
    void histogramsWithUnequalBucketsOrNoInfAreLeftUnknown() throws Exception {
        String text = """
                # TYPE vllm:num_requests_running gauge
                vllm:num_requests_running 1
                # TYPE vllm:time_to_first_token_seconds histogram
                vllm:time_to_first_token_seconds_bucket{engine="0",le="0.1"} 1
                vllm:time_to_first_token_seconds_bucket{engine="0",le="+Inf"} 1
                vllm:time_to_first_token_seconds_bucket{engine="1",le="+Inf"} 1
                # TYPE vllm:e2e_request_latency_seconds histogram
                vllm:e2e_request_latency_seconds_bucket{le="0.1"} 1
                # TYPE vllm:cache_config_info gauge
                vllm:cache_config_info{block_size="16",num_gpu_blocks="None"} 1
                """;
        EngineSample s = read(text, ExpositionFormat.PROMETHEUS_TEXT).sample();
        assertThat(s.latency(LatencySignal.TTFT)).isEmpty();
        assertThat(s.latency(LatencySignal.E2E)).isEmpty();
        assertThat(s.gauge(GaugeSignal.KV_CAPACITY_TOKENS)).isEmpty();
        assertThat(s.engine().model()).isEqualTo(EngineIdentity.UNKNOWN);
    }

    @Test
    void otherEnginesAreNotMistakenForVllm() throws Exception {
        for (String other : new String[] {Fixtures.TGI, "sglang-v0.4-docs-production_metrics-00b08c4.prom",
                "triton-2.x-densenet-datadog-f6e5f92.prom", "dcgm-exporter-datadog-2931c10.prom"}) {
            Exposition e = parser.parse(Fixtures.engine(other), ExpositionFormat.PROMETHEUS_TEXT, dialect.families());
            assertThat(dialect.recognises(e)).as(other).isFalse();
        }
    }

    @Test
    void registryResolvesByNameAndRejectsUnknownNames() {
        DialectRegistry registry = DialectRegistry.standard();
        assertThat(registry.names()).containsExactly("vllm", "sglang", "tgi", "triton", "trtllm-serve", "llamacpp",
                "lmdeploy");
        assertThat(registry.resolve("auto")).isEmpty();
        assertThat(registry.resolve("vllm")).containsInstanceOf(VllmDialect.class);
        assertThatThrownBy(() -> registry.resolve("ollama"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown engine dialect 'ollama'; expected auto or one of [vllm, sglang, tgi, triton, "
                        + "trtllm-serve, llamacpp, lmdeploy]");
        assertThatThrownBy(() -> DialectRegistry.of(new VllmDialect(), new VllmDialect()))
                .hasMessageContaining("two dialects named 'vllm'");
    }
}
