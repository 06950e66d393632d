package dev.headroom.collectors.engine;

import dev.headroom.collectors.exposition.Exposition;
import java.time.Instant;
import java.util.Set;

/**
 * llama.cpp's {@code llama-server} ({@code tools/server}; {@code /metrics} needs {@code --metrics}, else HTTP 501).
 *
 * <p>Queue is {@code llamacpp:requests_deferred}, running {@code llamacpp:requests_processing}; tokens come from the
 * counters {@code prompt_tokens_total} and {@code tokens_predicted_total}. The {@code *_tokens_seconds} gauges are
 * never read: the server resets them on every scrape, so two scrapers would each see half the truth.
 *
 * <p>KV occupancy: {@code llamacpp:kv_cache_usage_ratio} was removed in May 2025, and is read only where an older
 * server still has it. Otherwise it comes from {@code /slots} (an {@link AuxiliaryReading}): tokens held by
 * processing slots over the sum of the slots' {@code n_ctx}, and capacity is that sum. Where {@code /slots} is
 * disabled or does not answer in time, occupancy is unknown. llama.cpp exposes no latency histograms, no preemption
 * and no finished-request counter: those are unknown too.
 */
public final class LlamaCppDialect extends KnownFamiliesDialect implements AuxiliaryReading {

    public static final String NAME = "llamacpp";
    /**
     * Relative, so that it is a sibling of the metrics path: {@code http://host:8080/metrics} gives
     * {@code http://host:8080/slots}, and behind a path-routing proxy {@code http://gw/llama/metrics} gives
     * {@code http://gw/llama/slots} (an absolute {@code /slots} would ask the proxy's root).
     */
    public static final String SLOTS_PATH = "slots";

    static final String DEFERRED = "llamacpp:requests_deferred";
    static final String PROCESSING = "llamacpp:requests_processing";
    static final String PROMPT_TOKENS = "llamacpp:prompt_tokens_total";
    static final String PREDICTED_TOKENS = "llamacpp:tokens_predicted_total";
    static final String KV_RATIO = "llamacpp:kv_cache_usage_ratio";

    private static final Set<String> FAMILIES = Set.of(DEFERRED, PROCESSING, PROMPT_TOKENS, "llamacpp:prompt_tokens",
            PREDICTED_TOKENS, "llamacpp:tokens_predicted", KV_RATIO);

    public LlamaCppDialect() {
        super(NAME, FAMILIES, PROCESSING, DEFERRED, PREDICTED_TOKENS);
    }

    @Override
    public EngineReading read(Exposition exposition, Instant scrapedAt) {
        SampleAssembler a = new SampleAssembler(exposition);
        a.gaugeSum(GaugeSignal.QUEUE, DEFERRED);
        a.gaugeSum(GaugeSignal.RUNNING, PROCESSING);
        a.gaugeMean(GaugeSignal.KV_UTILIZATION, KV_RATIO);
        a.counter(CounterSignal.PROMPT_TOKENS, PROMPT_TOKENS);
        a.counter(CounterSignal.GENERATION_TOKENS, PREDICTED_TOKENS);
        return a.reading(NAME, null, scrapedAt);
    }

    @Override
    public String auxiliaryPath() {
        return SLOTS_PATH;
    }

    /** Adds KV occupancy and capacity from a {@code /slots} document; a metrics-reported ratio is kept. */
    @Override
    public EngineSample withAuxiliary(EngineSample sample, byte[] body, int length) {
        SlotsDocument.Occupancy o = SlotsDocument.read(body, length);
        if (o == null || !(o.contextTokens() > 0)) {
            return sample;
        }
        EngineSample.Builder b = EngineSample.builder(sample.scrapedAt(), sample.engine());
        sample.gauges().forEach(b::gauge);
        sample.counters().forEach(b::counter);
        sample.latencies().forEach(b::latency);
        sample.rejections().forEach(b::reject);
        // A reading the metrics payload had and that was rejected stays rejected for this scrape.
        if (sample.gauge(GaugeSignal.KV_UTILIZATION).isEmpty()
                && sample.rejection(GaugeSignal.KV_UTILIZATION).isEmpty()) {
            b.gauge(GaugeSignal.KV_UTILIZATION, o.usedTokens() / o.contextTokens());
        }
        if (sample.gauge(GaugeSignal.KV_CAPACITY_TOKENS).isEmpty()
                && sample.rejection(GaugeSignal.KV_CAPACITY_TOKENS).isEmpty()) {
            b.gauge(GaugeSignal.KV_CAPACITY_TOKENS, o.contextTokens());
        }
        return b.build();
    }
}
