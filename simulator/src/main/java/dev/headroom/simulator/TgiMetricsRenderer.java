package dev.headroom.simulator;

/**
 * Renders an engine's state as Hugging Face TGI v3 does ({@code router/src/server.rs}): no labels, counters
 * without {@code _total} ({@code tgi_request_success}), the token budget as {@code tgi_batch_max_total_tokens}
 * and the tokens the running batch may reach as {@code tgi_batch_current_max_tokens} (here: the KV blocks in use,
 * in tokens), request sizes and durations as histograms. TGI has no time-to-first-token metric, so none is printed.
 */
public final class TgiMetricsRenderer {

    public static final String QUEUE_SIZE = "tgi_queue_size";
    public static final String BATCH_CURRENT_SIZE = "tgi_batch_current_size";
    public static final String BATCH_CURRENT_MAX_TOKENS = "tgi_batch_current_max_tokens";
    public static final String BATCH_MAX_TOTAL_TOKENS = "tgi_batch_max_total_tokens";
    public static final String REQUEST_SUCCESS = "tgi_request_success";
    public static final String REQUEST_COUNT = "tgi_request_count";
    public static final String REQUEST_INPUT_LENGTH = "tgi_request_input_length";
    public static final String REQUEST_GENERATED_TOKENS = "tgi_request_generated_tokens";
    public static final String REQUEST_DURATION = "tgi_request_duration";
    public static final String REQUEST_QUEUE_DURATION = "tgi_request_queue_duration";
    public static final String REQUEST_MEAN_TIME_PER_TOKEN = "tgi_request_mean_time_per_token_duration";

    private TgiMetricsRenderer() {
    }

    public static String render(EngineModel model, int notYetAdmitted) {
        EngineConfig c = model.config();
        EngineMetrics m = model.metrics();
        TextWriter w = new TextWriter();
        long finished = m.finishedLength + m.finishedAbort;
        w.header(REQUEST_SUCCESS, "", "counter");
        w.sample(REQUEST_SUCCESS, "", m.finishedLength);
        w.header(REQUEST_COUNT, "", "counter");
        w.sample(REQUEST_COUNT, "", finished + model.runningCount() + model.waitingCount() + notYetAdmitted);
        w.header(QUEUE_SIZE, "", "gauge");
        w.sample(QUEUE_SIZE, "", model.waitingCount() + notYetAdmitted);
        w.header(BATCH_CURRENT_SIZE, "", "gauge");
        w.sample(BATCH_CURRENT_SIZE, "", model.runningCount());
        long budget = c.kvCapacityTokens();
        w.header(BATCH_CURRENT_MAX_TOKENS, "", "gauge");
        w.sample(BATCH_CURRENT_MAX_TOKENS, "", Math.round(model.kvCacheUsage() * budget));
        w.header(BATCH_MAX_TOTAL_TOKENS, "", "gauge");
        w.sample(BATCH_MAX_TOTAL_TOKENS, "", budget);
        w.histogram(REQUEST_INPUT_LENGTH, "", "", m.requestPromptTokens);
        w.histogram(REQUEST_GENERATED_TOKENS, "", "", m.requestGenerationTokens);
        w.histogram(REQUEST_DURATION, "", "", m.e2eLatency);
        w.histogram(REQUEST_QUEUE_DURATION, "", "", m.queueTime);
        w.histogram(REQUEST_MEAN_TIME_PER_TOKEN, "", "", m.interTokenLatency);
        return w.toString();
    }
}
