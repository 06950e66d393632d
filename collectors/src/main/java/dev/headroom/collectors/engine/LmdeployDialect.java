package dev.headroom.collectors.engine;

import dev.headroom.collectors.exposition.Exposition;
import java.time.Instant;
import java.util.Set;

/**
 * LMDeploy ({@code lmdeploy/metrics/metrics_processor.py}): the vLLM V0 names under the {@code lmdeploy:} prefix,
 * {@code gpu_cache_usage_perc} a 0..1 ratio despite its name, inter-token latency named {@code iter_token_latency}.
 * Built from the engine's source; no public payload was available to test against.
 */
public final class LmdeployDialect extends KnownFamiliesDialect {

    public static final String NAME = "lmdeploy";

    static final String P = "lmdeploy:";
    static final String WAITING = P + "num_requests_waiting";
    static final String RUNNING = P + "num_requests_running";
    static final String KV = P + "gpu_cache_usage_perc";
    static final String PROMPT_TOKENS = P + "prompt_tokens_total";
    static final String GENERATION_TOKENS = P + "generation_tokens_total";
    static final String PREEMPTIONS = P + "num_preemptions_total";
    static final String SUCCESS = P + "request_success_total";
    static final String TTFT = P + "time_to_first_token_seconds";
    static final String ITL = P + "iter_token_latency";
    static final String E2E = P + "e2e_request_latency_seconds";
    static final String QUEUE_TIME = P + "request_queue_time_seconds";

    private static final Set<String> FAMILIES = Set.of(WAITING, RUNNING, KV, PROMPT_TOKENS, P + "prompt_tokens",
            GENERATION_TOKENS, P + "generation_tokens", PREEMPTIONS, P + "num_preemptions", SUCCESS,
            P + "request_success", TTFT, ITL, E2E, QUEUE_TIME);

    public LmdeployDialect() {
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
        a.counter(CounterSignal.PREEMPTIONS, PREEMPTIONS);
        a.counter(CounterSignal.REQUESTS_FINISHED, SUCCESS);
        a.latency(LatencySignal.TTFT, TTFT, 1.0);
        a.latency(LatencySignal.ITL, ITL, 1.0);
        a.latency(LatencySignal.E2E, E2E, 1.0);
        a.latency(LatencySignal.QUEUE_TIME, QUEUE_TIME, 1.0);
        return a.reading(NAME, null, scrapedAt);
    }
}
