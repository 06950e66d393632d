package dev.headroom.agent.sidecar;

import dev.headroom.signals.Signal;

import java.util.EnumMap;
import java.util.Map;

/**
 * The Prometheus name (and fixed labels) under which each canonical signal is exported on {@code /q/metrics}.
 * The one place these names live: {@code src/docs/signals.md} lists them and a test checks them against the
 * exported output.
 *
 * <p>Conventions: {@code headroom_} prefix, snake_case, base units (seconds, ratios), latency quantiles as a
 * {@code quantile} label on one family per distribution.
 */
public record ExportedMetric(String name, String quantile, String description) {

    public static final String ENGINE_UP = "headroom_engine_up";
    public static final String ENGINE_IDENTITY = "headroom_engine_identity";
    public static final String SIGNALS_STALE = "headroom_signals_stale";
    public static final String SAMPLE_AGE = "headroom_sample_age_seconds";
    public static final String SATURATION = "headroom_saturation_ratio";
    public static final String SATURATION_COMPOSITE = "headroom_saturation_composite_ratio";
    public static final String SATURATION_TARGET = "headroom_saturation_target";
    public static final String SCRAPES = "headroom_scrapes";
    public static final String SCRAPE_DURATION = "headroom_scrape_duration_seconds";

    public static final String GPU_PROBE_UP = "headroom_gpu_probe_up";
    public static final String GPU_MEMORY_USED = "headroom_gpu_memory_used_bytes";
    public static final String GPU_MEMORY_FREE = "headroom_gpu_memory_free_bytes";
    public static final String GPU_MEMORY_TOTAL = "headroom_gpu_memory_total_bytes";
    public static final String GPU_UTILIZATION = "headroom_gpu_utilization_ratio";
    public static final String GPU_MEMORY_UTILIZATION = "headroom_gpu_memory_utilization_ratio";
    public static final String GPU_POWER = "headroom_gpu_power_watts";
    public static final String GPU_TEMPERATURE = "headroom_gpu_temperature_celsius";
    public static final String GPU_LOST = "headroom_gpu_lost";

    private static final Map<Signal, ExportedMetric> BY_SIGNAL = new EnumMap<>(Signal.class);

    static {
        BY_SIGNAL.put(Signal.QUEUE, new ExportedMetric("headroom_queue_requests", null, "Requests waiting to be scheduled"));
        BY_SIGNAL.put(Signal.RUNNING, new ExportedMetric("headroom_running_requests", null, "Requests in the running batch"));
        BY_SIGNAL.put(Signal.KV_UTILIZATION, new ExportedMetric("headroom_kv_cache_utilization_ratio", null, "KV-cache occupancy, 0..1"));
        BY_SIGNAL.put(Signal.KV_CAPACITY_TOKENS, new ExportedMetric("headroom_kv_cache_capacity_tokens", null, "KV-cache size in tokens"));
        BY_SIGNAL.put(Signal.PROMPT_TPS, new ExportedMetric("headroom_prompt_tokens_per_second", null, "Prompt tokens processed per second"));
        BY_SIGNAL.put(Signal.GENERATION_TPS, new ExportedMetric("headroom_generation_tokens_per_second", null, "Tokens generated per second"));
        BY_SIGNAL.put(Signal.PREEMPTIONS_PS, new ExportedMetric("headroom_preemptions_per_second", null, "Preemptions (or retractions) per second"));
        BY_SIGNAL.put(Signal.REQUESTS_PS, new ExportedMetric("headroom_finished_requests_per_second", null, "Requests finished per second"));
        BY_SIGNAL.put(Signal.ARRIVALS_PS, new ExportedMetric("headroom_arriving_requests_per_second", null,
                "Requests arriving per second: finished plus the growth of running and waiting"));
        BY_SIGNAL.put(Signal.ITL_MEAN, new ExportedMetric("headroom_inter_token_latency_mean_seconds", null,
                "Mean inter-token latency (time per output token) over the window"));
        latency(Signal.TTFT_P50, Signal.TTFT_P95, "headroom_time_to_first_token_seconds", "Time to first token over the window");
        latency(Signal.ITL_P50, Signal.ITL_P95, "headroom_inter_token_latency_seconds", "Inter-token latency over the window");
        latency(Signal.E2E_P50, Signal.E2E_P95, "headroom_e2e_request_latency_seconds", "End-to-end request latency over the window");
        latency(Signal.QUEUE_TIME_P50, Signal.QUEUE_TIME_P95, "headroom_request_queue_time_seconds", "Time requests waited before scheduling, over the window");
        if (BY_SIGNAL.size() != Signal.values().length) {
            throw new IllegalStateException("every signal needs an exported name");
        }
    }

    private static void latency(Signal p50, Signal p95, String name, String description) {
        BY_SIGNAL.put(p50, new ExportedMetric(name, "0.5", description));
        BY_SIGNAL.put(p95, new ExportedMetric(name, "0.95", description));
    }

    public static ExportedMetric of(Signal signal) {
        return BY_SIGNAL.get(signal);
    }
}
