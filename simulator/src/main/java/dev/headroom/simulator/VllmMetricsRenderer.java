package dev.headroom.simulator;

/**
 * Renders an engine's state as vLLM V1 does on {@code GET /metrics}: Prometheus text format 0.0.4, every
 * series labelled {@code engine} and {@code model_name}, labels in the order vLLM's client prints them
 * (sorted by name), the same family names, types and histogram buckets. Families vLLM has but this model
 * does not simulate (prefix cache, speculative decoding, LoRA) are left out: absent, never a made-up zero.
 *
 * <p>A hand-written writer, because the simulator must depend on nothing; the test suite checks its output
 * against a real vLLM 0.10 scrape.
 */
public final class VllmMetricsRenderer {

    /** {@code Content-Type} of the exposition. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    public static final String NUM_REQUESTS_RUNNING = "vllm:num_requests_running";
    public static final String NUM_REQUESTS_WAITING = "vllm:num_requests_waiting";
    public static final String KV_CACHE_USAGE_PERC = "vllm:kv_cache_usage_perc";
    public static final String CACHE_CONFIG_INFO = "vllm:cache_config_info";
    public static final String PROMPT_TOKENS_TOTAL = "vllm:prompt_tokens_total";
    public static final String GENERATION_TOKENS_TOTAL = "vllm:generation_tokens_total";
    public static final String NUM_PREEMPTIONS_TOTAL = "vllm:num_preemptions_total";
    public static final String REQUEST_SUCCESS_TOTAL = "vllm:request_success_total";
    public static final String TIME_TO_FIRST_TOKEN = "vllm:time_to_first_token_seconds";
    public static final String INTER_TOKEN_LATENCY = "vllm:inter_token_latency_seconds";
    public static final String E2E_REQUEST_LATENCY = "vllm:e2e_request_latency_seconds";
    public static final String REQUEST_QUEUE_TIME = "vllm:request_queue_time_seconds";
    public static final String REQUEST_INFERENCE_TIME = "vllm:request_inference_time_seconds";
    public static final String REQUEST_PREFILL_TIME = "vllm:request_prefill_time_seconds";
    public static final String REQUEST_DECODE_TIME = "vllm:request_decode_time_seconds";
    public static final String REQUEST_PROMPT_TOKENS = "vllm:request_prompt_tokens";
    public static final String REQUEST_GENERATION_TOKENS = "vllm:request_generation_tokens";

    private VllmMetricsRenderer() {
    }

    /** The exposition for {@code model}, labelled as data-parallel rank {@code engine}. */
    public static String render(EngineModel model, int engine) {
        return render(model, engine, 0);
    }

    /**
     * As {@link #render(EngineModel, int)}, counting {@code notYetAdmitted} requests that have arrived but
     * not yet reached the model's queue as waiting.
     */
    public static String render(EngineModel model, int engine, int notYetAdmitted) {
        EngineConfig c = model.config();
        EngineMetrics m = model.metrics();
        Writer w = new Writer(c.modelName(), Integer.toString(engine));

        w.header(NUM_REQUESTS_RUNNING, "Number of requests in model execution batches.", "gauge");
        w.plain(NUM_REQUESTS_RUNNING, model.runningCount());
        w.header(NUM_REQUESTS_WAITING, "Number of requests waiting to be processed.", "gauge");
        w.plain(NUM_REQUESTS_WAITING, model.waitingCount() + notYetAdmitted);
        w.header(KV_CACHE_USAGE_PERC, "KV-cache usage. 1 means 100 percent usage.", "gauge");
        w.plain(KV_CACHE_USAGE_PERC, model.kvCacheUsage());
        w.header(NUM_PREEMPTIONS_TOTAL, "Cumulative number of preemption from the engine.", "counter");
        w.plain(NUM_PREEMPTIONS_TOTAL, m.preemptions);
        w.header(PROMPT_TOKENS_TOTAL, "Number of prefill tokens processed.", "counter");
        w.plain(PROMPT_TOKENS_TOTAL, m.promptTokens);
        w.header(GENERATION_TOKENS_TOTAL, "Number of generation tokens processed.", "counter");
        w.plain(GENERATION_TOKENS_TOTAL, m.generationTokens);
        w.header(REQUEST_SUCCESS_TOTAL, "Count of successfully processed requests.", "counter");
        w.reason(REQUEST_SUCCESS_TOTAL, "stop", 0);
        w.reason(REQUEST_SUCCESS_TOTAL, "length", m.finishedLength);
        w.reason(REQUEST_SUCCESS_TOTAL, "abort", m.finishedAbort);

        w.histogram(REQUEST_PROMPT_TOKENS, "Number of prefill tokens processed.", m.requestPromptTokens);
        w.histogram(REQUEST_GENERATION_TOKENS, "Number of generation tokens processed.", m.requestGenerationTokens);
        w.histogram(TIME_TO_FIRST_TOKEN, "Histogram of time to first token in seconds.", m.timeToFirstToken);
        w.histogram(INTER_TOKEN_LATENCY, "Histogram of inter-token latency in seconds.", m.interTokenLatency);
        w.histogram(E2E_REQUEST_LATENCY, "Histogram of e2e request latency in seconds.", m.e2eLatency);
        w.histogram(REQUEST_QUEUE_TIME, "Histogram of time spent in WAITING phase for request.", m.queueTime);
        w.histogram(REQUEST_INFERENCE_TIME, "Histogram of time spent in RUNNING phase for request.",
                m.inferenceTime);
        w.histogram(REQUEST_PREFILL_TIME, "Histogram of time spent in PREFILL phase for request.", m.prefillTime);
        w.histogram(REQUEST_DECODE_TIME, "Histogram of time spent in DECODE phase for request.", m.decodeTime);

        w.header(CACHE_CONFIG_INFO, "Information of the LLMEngine CacheConfig", "gauge");
        w.cacheConfig(c);
        return w.out.toString();
    }

    /** Formats a sample value as Prometheus text: integral values as {@code 12.0}, else shortest round-trip. */
    static void appendValue(StringBuilder sb, double v) {
        if (Double.isNaN(v)) {
            sb.append("NaN");
        } else if (Double.isInfinite(v)) {
            sb.append(v > 0 ? "+Inf" : "-Inf");
        } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            sb.append((long) v).append(".0");
        } else {
            String s = Double.toString(v);
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                sb.append(ch == 'E' ? 'e' : ch);
            }
        }
    }

    private static final class Writer {
        final StringBuilder out = new StringBuilder(16 * 1024);
        final String model;
        final String engine;

        Writer(String model, String engine) {
            this.model = escape(model);
            this.engine = engine;
        }

        void header(String name, String help, String type) {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        }

        void plain(String name, double value) {
            out.append(name).append("{engine=\"").append(engine).append("\",model_name=\"").append(model)
                    .append("\"} ");
            appendValue(out, value);
            out.append('\n');
        }

        void reason(String name, String reason, double value) {
            out.append(name).append("{engine=\"").append(engine).append("\",finished_reason=\"").append(reason)
                    .append("\",model_name=\"").append(model).append("\"} ");
            appendValue(out, value);
            out.append('\n');
        }

        void histogram(String name, String help, BucketHistogram h) {
            header(name, help, "histogram");
            double[] bounds = h.upperBounds();
            long[] cumulative = h.cumulativeCounts();
            for (int i = 0; i <= bounds.length; i++) {
                out.append(name).append("_bucket{engine=\"").append(engine).append("\",le=\"");
                if (i < bounds.length) {
                    appendValue(out, bounds[i]);
                } else {
                    out.append("+Inf");
                }
                out.append("\",model_name=\"").append(model).append("\"} ");
                appendValue(out, cumulative[i]);
                out.append('\n');
            }
            plain(name + "_count", h.count());
            plain(name + "_sum", h.sum());
        }

        void cacheConfig(EngineConfig c) {
            out.append(CACHE_CONFIG_INFO).append('{');
            label("block_size", Integer.toString(c.blockSize()));
            label("cache_dtype", "auto");
            label("calculate_kv_scales", "False");
            label("cpu_kvcache_space_bytes", "None");
            label("cpu_offload_gb", "0.0");
            label("enable_prefix_caching", "False");
            label("engine", engine);
            StringBuilder util = new StringBuilder();
            appendValue(util, c.gpuMemoryUtilization());
            label("gpu_memory_utilization", util.toString());
            label("is_attention_free", "False");
            label("mamba_page_size_padded", "None");
            label("num_cpu_blocks", "None");
            label("num_gpu_blocks", Integer.toString(c.numGpuBlocks()));
            label("num_gpu_blocks_override", "None");
            label("prefix_caching_hash_algo", "builtin");
            label("sliding_window", "None");
            label("swap_space", "4.0");
            out.append("swap_space_bytes=\"4294967296.0\"} 1.0\n");
        }

        private void label(String name, String value) {
            out.append(name).append("=\"").append(value).append("\",");
        }

        private static String escape(String s) {
            StringBuilder sb = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                switch (ch) {
                    case '\\' -> sb.append("\\\\");
                    case '"' -> sb.append("\\\"");
                    case '\n' -> sb.append("\\n");
                    default -> sb.append(ch);
                }
            }
            return sb.toString();
        }
    }
}
