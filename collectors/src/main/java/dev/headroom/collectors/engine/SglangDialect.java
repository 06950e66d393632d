package dev.headroom.collectors.engine;

import dev.headroom.collectors.exposition.Exposition;
import dev.headroom.collectors.exposition.MetricFamily;
import dev.headroom.collectors.exposition.Sample;
import java.time.Instant;
import java.util.Set;
import java.util.function.Predicate;

/**
 * SGLang ({@code sgl-project/sglang}, {@code srt/metrics/collector.py}; served only with {@code --enable-metrics}).
 *
 * <p>Ranks: every tensor-parallel rank of one data-parallel group reports the same batch, so series are read from one
 * {@code tp_rank} only (the lowest present) and never summed across it; data-parallel ranks ({@code dp_rank}) serve
 * different requests and are summed. KV usage ({@code token_usage}, a 0..1 ratio) is averaged over data-parallel
 * ranks, whose pools are equal.
 *
 * <p>Old and new names are both read: ITL is {@code inter_token_latency_seconds} (≤ 0.4:
 * {@code time_per_output_token_seconds}), the model is labelled {@code model_name} (early: {@code name}).
 *
 * <p>Preemptions: SGLang calls them retractions. {@code sglang:num_retracted_reqs} is a gauge holding the retractions
 * since the last publish and reset after it, so it cannot become a monotonic total without inventing one; the counter
 * {@code sglang:num_retracted_requests_total} is read where the engine has it, and otherwise preemptions are unknown.
 */
public final class SglangDialect extends KnownFamiliesDialect {

    public static final String NAME = "sglang";

    static final String QUEUE = "sglang:num_queue_reqs";
    static final String RUNNING = "sglang:num_running_reqs";
    static final String TOKEN_USAGE = "sglang:token_usage";
    static final String MAX_TOTAL_TOKENS = "sglang:max_total_num_tokens";
    static final String PROMPT_TOKENS = "sglang:prompt_tokens_total";
    static final String GENERATION_TOKENS = "sglang:generation_tokens_total";
    static final String RETRACTIONS = "sglang:num_retracted_requests_total";
    static final String REQUESTS = "sglang:num_requests_total";
    static final String TTFT = "sglang:time_to_first_token_seconds";
    static final String ITL = "sglang:inter_token_latency_seconds";
    static final String ITL_OLD = "sglang:time_per_output_token_seconds";
    static final String E2E = "sglang:e2e_request_latency_seconds";
    static final String QUEUE_TIME = "sglang:queue_time_seconds";

    private static final Set<String> FAMILIES = Set.of(QUEUE, RUNNING, TOKEN_USAGE, MAX_TOTAL_TOKENS, PROMPT_TOKENS,
            "sglang:prompt_tokens", GENERATION_TOKENS, "sglang:generation_tokens", RETRACTIONS,
            "sglang:num_retracted_requests", REQUESTS, "sglang:num_requests", TTFT, ITL, ITL_OLD, E2E, QUEUE_TIME);

    public SglangDialect() {
        super(NAME, FAMILIES, RUNNING, QUEUE, TOKEN_USAGE);
    }

    @Override
    public EngineReading read(Exposition exposition, Instant scrapedAt) {
        SampleAssembler a = new SampleAssembler(exposition, "model_name", "name");
        a.only(oneTensorParallelRank(exposition));
        a.gaugeSum(GaugeSignal.QUEUE, QUEUE);
        a.gaugeSum(GaugeSignal.RUNNING, RUNNING);
        a.gaugeMean(GaugeSignal.KV_UTILIZATION, TOKEN_USAGE);
        a.gaugeSum(GaugeSignal.KV_CAPACITY_TOKENS, MAX_TOTAL_TOKENS);
        a.counter(CounterSignal.PROMPT_TOKENS, PROMPT_TOKENS);
        a.counter(CounterSignal.GENERATION_TOKENS, GENERATION_TOKENS);
        a.counter(CounterSignal.PREEMPTIONS, RETRACTIONS);
        a.counter(CounterSignal.REQUESTS_FINISHED, REQUESTS);
        a.latency(LatencySignal.TTFT, TTFT, 1.0);
        if (!a.latency(LatencySignal.ITL, ITL, 1.0)) {
            a.latency(LatencySignal.ITL, ITL_OLD, 1.0);
        }
        a.latency(LatencySignal.E2E, E2E, 1.0);
        a.latency(LatencySignal.QUEUE_TIME, QUEUE_TIME, 1.0);
        return a.reading(NAME, null, scrapedAt);
    }

    /** Series without a {@code tp_rank}, or of the lowest one the gauges show. */
    static Predicate<Sample> oneTensorParallelRank(Exposition e) {
        long lowest = Long.MAX_VALUE;
        String lowestLabel = null;
        for (String name : new String[] {RUNNING, QUEUE, TOKEN_USAGE}) {
            MetricFamily f = e.family(name);
            if (f == null) {
                continue;
            }
            for (Sample s : f.samples()) {
                String tp = s.label("tp_rank");
                long v = tp == null ? -1 : parseRank(tp);
                if (v >= 0 && v < lowest) {
                    lowest = v;
                    lowestLabel = tp;
                }
            }
        }
        if (lowestLabel == null) {
            return FamilyReader.ALL_SERIES;
        }
        String keep = lowestLabel;
        return s -> {
            String tp = s.label("tp_rank");
            return tp == null || tp.equals(keep);
        };
    }

    private static long parseRank(String s) {
        if (s.isEmpty() || s.length() > 9) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
