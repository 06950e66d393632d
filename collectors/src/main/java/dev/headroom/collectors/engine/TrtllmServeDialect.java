package dev.headroom.collectors.engine;

import dev.headroom.collectors.exposition.Exposition;
import java.time.Instant;
import java.util.Set;

/**
 * TensorRT-LLM's own OpenAI server, {@code trtllm-serve} ({@code /prometheus/metrics}): vLLM-like names under the
 * {@code trtllm_} prefix, in seconds, {@code kv_cache_utilization} a 0..1 ratio. Built from the engine's source
 * ({@code tensorrt_llm/metrics/collector.py}); no public payload was available to test against.
 */
public final class TrtllmServeDialect extends KnownFamiliesDialect {

    public static final String NAME = "trtllm-serve";

    static final String WAITING = "trtllm_num_requests_waiting";
    static final String RUNNING = "trtllm_num_requests_running";
    static final String KV = "trtllm_kv_cache_utilization";
    static final String PROMPT_TOKENS = "trtllm_prompt_tokens_total";
    static final String GENERATION_TOKENS = "trtllm_generation_tokens_total";
    static final String SUCCESS = "trtllm_request_success_total";
    static final String TTFT = "trtllm_time_to_first_token_seconds";
    static final String ITL = "trtllm_time_per_output_token_seconds";
    static final String E2E = "trtllm_e2e_request_latency_seconds";
    static final String QUEUE_TIME = "trtllm_request_queue_time_seconds";

    private static final Set<String> FAMILIES = Set.of(WAITING, RUNNING, KV, PROMPT_TOKENS, "trtllm_prompt_tokens",
            GENERATION_TOKENS, "trtllm_generation_tokens", SUCCESS, "trtllm_request_success", TTFT, ITL, E2E,
            QUEUE_TIME);

    public TrtllmServeDialect() {
        super(NAME, FAMILIES, WAITING, RUNNING, KV);
    }

    @Override
    public EngineReading read(Exposition exposition, Instant scrapedAt) {
        SampleAssembler a = new SampleAssembler(exposition, "model_name");
        a.gaugeSum(GaugeSignal.QUEUE, WAITING);
        a.gaugeSum(GaugeSignal.RUNNING, RUNNING);
        a.gaugeMean(GaugeSignal.KV_UTILIZATION, KV);
        a.counter(CounterSignal.PROMPT_TOKENS, PROMPT_TOKENS);
        a.counter(CounterSignal.GENERATION_TOKENS, GENERATION_TOKENS);
        a.counter(CounterSignal.REQUESTS_FINISHED, SUCCESS);
        a.latency(LatencySignal.TTFT, TTFT, 1.0);
        a.latency(LatencySignal.ITL, ITL, 1.0);
        a.latency(LatencySignal.E2E, E2E, 1.0);
        a.latency(LatencySignal.QUEUE_TIME, QUEUE_TIME, 1.0);
        return a.reading(NAME, null, scrapedAt);
    }
}
