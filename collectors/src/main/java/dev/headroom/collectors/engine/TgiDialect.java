package dev.headroom.collectors.engine;

import dev.headroom.collectors.exposition.Exposition;
import java.time.Instant;
import java.util.Set;

/**
 * Hugging Face Text Generation Inference, v2 and v3 ({@code router/src/server.rs}).
 *
 * <p>Quirks: counters have no {@code _total} ({@code tgi_request_success}); token counts are the {@code _sum} of the
 * {@code tgi_request_input_length} and {@code tgi_request_generated_tokens} distributions; a distribution without
 * configured buckets is a summary, read as count and sum (window means, no quantiles). TGI has no KV-cache gauge: the
 * proxy is {@code tgi_batch_current_max_tokens ÷ tgi_batch_max_total_tokens} (tokens the running batch may reach
 * over the token budget), and it is unknown when either is missing. TGI exposes no time-to-first-token and labels no
 * model.
 */
public final class TgiDialect extends KnownFamiliesDialect {

    public static final String NAME = "tgi";

    static final String QUEUE = "tgi_queue_size";
    static final String RUNNING = "tgi_batch_current_size";
    static final String CURRENT_MAX_TOKENS = "tgi_batch_current_max_tokens";
    static final String MAX_TOTAL_TOKENS = "tgi_batch_max_total_tokens";
    static final String INPUT_LENGTH = "tgi_request_input_length";
    static final String GENERATED_TOKENS = "tgi_request_generated_tokens";
    static final String SUCCESS = "tgi_request_success";
    static final String DURATION = "tgi_request_duration";
    static final String QUEUE_DURATION = "tgi_request_queue_duration";
    static final String TIME_PER_TOKEN = "tgi_request_mean_time_per_token_duration";

    private static final Set<String> FAMILIES = Set.of(QUEUE, RUNNING, CURRENT_MAX_TOKENS, MAX_TOTAL_TOKENS,
            INPUT_LENGTH, GENERATED_TOKENS, SUCCESS, DURATION, QUEUE_DURATION, TIME_PER_TOKEN);

    public TgiDialect() {
        super(NAME, FAMILIES, QUEUE, RUNNING, SUCCESS);
    }

    @Override
    public EngineReading read(Exposition exposition, Instant scrapedAt) {
        SampleAssembler a = new SampleAssembler(exposition, "model_id", "model");
        a.gaugeSum(GaugeSignal.QUEUE, QUEUE);
        a.gaugeSum(GaugeSignal.RUNNING, RUNNING);
        double current = a.value(CURRENT_MAX_TOKENS);
        double budget = a.value(MAX_TOTAL_TOKENS);
        if (budget > 0 && Double.isFinite(current)) {
            a.gaugeValue(GaugeSignal.KV_UTILIZATION, current / budget);
        }
        if (budget > 0) {
            a.gaugeValue(GaugeSignal.KV_CAPACITY_TOKENS, budget);
        }
        a.counterValue(CounterSignal.PROMPT_TOKENS, distributionSum(a, INPUT_LENGTH));
        a.counterValue(CounterSignal.GENERATION_TOKENS, distributionSum(a, GENERATED_TOKENS));
        a.counter(CounterSignal.REQUESTS_FINISHED, SUCCESS);
        a.latency(LatencySignal.E2E, DURATION, 1.0);
        a.latency(LatencySignal.QUEUE_TIME, QUEUE_DURATION, 1.0);
        a.latency(LatencySignal.ITL, TIME_PER_TOKEN, 1.0);
        return a.reading(NAME, null, scrapedAt);
    }

    private static double distributionSum(SampleAssembler a, String family) {
        var f = a.use(family);
        return f == null ? Double.NaN : FamilyReader.sum(f, family + "_sum");
    }
}
