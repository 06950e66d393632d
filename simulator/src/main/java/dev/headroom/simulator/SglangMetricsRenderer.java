package dev.headroom.simulator;

/**
 * Renders an engine's state as SGLang ≥ 0.5 does with {@code --enable-metrics} ({@code srt/metrics/collector.py}):
 * scheduler gauges labelled {@code model_name}, {@code engine_type}, {@code tp_rank} and {@code dp_rank}, printed
 * once per tensor-parallel rank (this model plays a TP=2 deployment, so each gauge appears twice with the same
 * value: summing across {@code tp_rank} would double it); tokenizer-side counters and histograms labelled by model
 * only. {@code token_usage} is rounded to two decimals, as SGLang rounds it. Histogram buckets are the model's
 * (vLLM's), not SGLang's own: the names, types and labels are what a dialect reads.
 */
public final class SglangMetricsRenderer {

    public static final String NUM_RUNNING_REQS = "sglang:num_running_reqs";
    public static final String NUM_QUEUE_REQS = "sglang:num_queue_reqs";
    public static final String TOKEN_USAGE = "sglang:token_usage";
    public static final String MAX_TOTAL_NUM_TOKENS = "sglang:max_total_num_tokens";
    public static final String NUM_USED_TOKENS = "sglang:num_used_tokens";
    public static final String PROMPT_TOKENS_TOTAL = "sglang:prompt_tokens_total";
    public static final String GENERATION_TOKENS_TOTAL = "sglang:generation_tokens_total";
    public static final String NUM_REQUESTS_TOTAL = "sglang:num_requests_total";
    public static final String NUM_RETRACTED_REQUESTS_TOTAL = "sglang:num_retracted_requests_total";
    public static final String TIME_TO_FIRST_TOKEN = "sglang:time_to_first_token_seconds";
    public static final String INTER_TOKEN_LATENCY = "sglang:inter_token_latency_seconds";
    public static final String E2E_REQUEST_LATENCY = "sglang:e2e_request_latency_seconds";
    public static final String QUEUE_TIME = "sglang:queue_time_seconds";

    /** The simulated tensor-parallel size: ranks that each print the scheduler gauges. */
    public static final int TP_SIZE = 2;

    private SglangMetricsRenderer() {
    }

    /** The exposition for {@code model} as data-parallel rank {@code dpRank}. */
    public static String render(EngineModel model, int dpRank, int notYetAdmitted) {
        EngineConfig c = model.config();
        EngineMetrics m = model.metrics();
        String modelName = TextWriter.escape(c.modelName());
        TextWriter w = new TextWriter();
        double capacity = c.kvCapacityTokens();
        double usage = Math.round(model.kvCacheUsage() * 100) / 100.0;
        scheduler(w, modelName, dpRank, NUM_RUNNING_REQS, "The number of running requests.", model.runningCount());
        scheduler(w, modelName, dpRank, NUM_QUEUE_REQS, "The number of requests in the waiting queue.",
                model.waitingCount() + notYetAdmitted);
        scheduler(w, modelName, dpRank, TOKEN_USAGE, "The token usage.", usage);
        scheduler(w, modelName, dpRank, NUM_USED_TOKENS, "The number of used tokens.",
                Math.round(model.kvCacheUsage() * capacity));
        scheduler(w, modelName, dpRank, MAX_TOTAL_NUM_TOKENS, "Maximum total number of tokens in the KV cache pool.",
                capacity);
        String labels = "model_name=\"" + modelName + "\"";
        w.header(PROMPT_TOKENS_TOTAL, "Number of prefill tokens processed.", "counter");
        w.sample(PROMPT_TOKENS_TOTAL, labels, m.promptTokens);
        w.header(GENERATION_TOKENS_TOTAL, "Number of generation tokens processed.", "counter");
        w.sample(GENERATION_TOKENS_TOTAL, labels, m.generationTokens);
        w.header(NUM_REQUESTS_TOTAL, "Number of requests processed.", "counter");
        w.sample(NUM_REQUESTS_TOTAL, labels, m.finishedLength + m.finishedAbort);
        w.header(NUM_RETRACTED_REQUESTS_TOTAL, "Number of retracted requests.", "counter");
        w.sample(NUM_RETRACTED_REQUESTS_TOTAL, labels, m.preemptions);
        w.histogram(TIME_TO_FIRST_TOKEN, "Histogram of time to first token in seconds.", labels, m.timeToFirstToken);
        w.histogram(INTER_TOKEN_LATENCY, "Histogram of inter-token latency in seconds.", labels, m.interTokenLatency);
        w.histogram(E2E_REQUEST_LATENCY, "Histogram of End-to-end request latency in seconds", labels, m.e2eLatency);
        w.histogram(QUEUE_TIME, "Histogram of queueing time in seconds.", labels, m.queueTime);
        return w.toString();
    }

    private static void scheduler(TextWriter w, String model, int dpRank, String name, String help, double value) {
        w.header(name, help, "gauge");
        for (int tp = 0; tp < TP_SIZE; tp++) {
            w.sample(name, "dp_rank=\"" + dpRank + "\",engine_type=\"unified\",model_name=\"" + model
                    + "\",tp_rank=\"" + tp + "\"", value);
        }
    }
}
