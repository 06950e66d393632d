package dev.headroom.agent.metrics;

import dev.headroom.collectors.engine.LatencySignal;
import dev.headroom.signals.Signal;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Every metric Headroom exports, one row each: the one table that the Prometheus exporters (Micrometer:
 * {@code SignalMeters}, {@code GpuMeters}, {@code ControllerMeters}; the latency histograms {@code LatencyHistograms}) and the OTLP exporter ({@code SignalInstruments},
 * {@code GenAiHistograms}) render from, so that a name, unit or description is written once.
 *
 * <p>A row is a metric family: one name, one type, one set of label keys; the series of a family differ by label
 * values. The Prometheus name is
 * the one on {@code /q/metrics} (with {@code _total} on a counter, as the exposition writes it); the OTLP name and
 * its UCUM unit are chosen so that the OpenTelemetry Collector's Prometheus translation gives the Prometheus name
 * back, so that a dashboard reads either path ({@code OtlpMetricNamesTest}). {@code src/docs/signals.md} and
 * {@code src/docs/observability.md} list the rows; {@code MetricFamilyTest} checks every row against both
 * exporters' real output.
 *
 * <p>Most rows are rendered by both exporters. Those rendered by one say why in {@link #oneSided()}; the table
 * checks it. This class knows neither Micrometer nor OpenTelemetry, and never the autoscaler: the sidecar role,
 * which depends on collectors and signals only, renders from it.
 *
 * @see Signal
 */
public enum MetricFamily {

    // The sidecar's own health.
    ENGINE_UP("headroom_engine_up", "headroom.engine.up", "", Type.GAUGE, Unknown.NEVER,
            "1 when the last scrape of the engine returned a readable payload, else 0", List.of()),
    ENGINE_INFO("headroom_engine_info", "headroom.engine.info", "", Type.GAUGE, Unknown.NEVER,
            "Always 1: the engine behind this sidecar, its dialect, model and version as read from its payload",
            List.of(Labels.MODEL, Labels.DIALECT, Labels.VERSION)),
    SIGNALS_STALE("headroom_signals_stale", "headroom.signals.stale", "", Type.GAUGE, Unknown.NEVER,
            "1 when the newest sample is too old to stand for the engine's current load", List.of()),
    SAMPLE_AGE("headroom_sample_age_seconds", "headroom.sample.age", "s", Type.GAUGE, Unknown.NEVER,
            "Age of the newest sample", List.of()),
    SCRAPE_DURATION("headroom_scrape_duration_seconds", "headroom.scrape.duration", "s", Type.GAUGE, Unknown.NEVER,
            "Duration of the last scrape of the engine", List.of()),
    SCRAPES("headroom_scrapes_total", "headroom.scrapes", "{scrape}", Type.COUNTER, Unknown.NEVER,
            "Scrapes of the engine by outcome (ok, or the failure kind)", List.of(Labels.OUTCOME)),
    READINGS_REJECTED("headroom_reading_rejected_total", null, "{reading}", Type.COUNTER, Unknown.NEVER,
            "Scrapes in which a signal was unknown because a reading was rejected (negative, out_of_range, non_finite,"
                    + " duplicate_series, incomplete_histogram, several_models, counter_drop, engine_changed)",
            List.of(Labels.SIGNAL, Labels.REASON), Why.REJECTIONS),
    SCRAPE_LOOP_FAILURES("headroom_scrape_loop_failures_total", null, "{failure}", Type.COUNTER, Unknown.NEVER,
            "Rounds of the scrape loop that ended in an unexpected error, by its class (the loop goes on; a failed"
                    + " scrape of the engine is headroom_scrapes_total's outcome, not this)", List.of(Labels.KIND),
            Why.LOOPS),

    // The signals (Signal order), one family each.
    QUEUE("headroom_queue_requests", "headroom.queue.requests", "{request}", Type.GAUGE, Unknown.STALE,
            "Requests waiting to be scheduled", List.of(Labels.MODEL)),
    RUNNING("headroom_running_requests", "headroom.running.requests", "{request}", Type.GAUGE, Unknown.STALE,
            "Requests in the running batch", List.of(Labels.MODEL)),
    KV_UTILIZATION("headroom_kv_cache_utilization_ratio", "headroom.kv_cache.utilization", "1", Type.GAUGE,
            Unknown.STALE, "KV-cache occupancy, 0..1", List.of(Labels.MODEL)),
    KV_CAPACITY_TOKENS("headroom_kv_cache_capacity_tokens", "headroom.kv_cache.capacity.tokens", "{token}", Type.GAUGE,
            Unknown.STALE, "KV-cache size in tokens", List.of(Labels.MODEL)),
    PROMPT_TPS("headroom_prompt_tokens_per_second", "headroom.prompt_tokens", "{token}/s", Type.GAUGE, Unknown.STALE,
            "Prompt tokens processed per second", List.of(Labels.MODEL)),
    GENERATION_TPS("headroom_generation_tokens_per_second", "headroom.generation_tokens", "{token}/s", Type.GAUGE,
            Unknown.STALE, "Tokens generated per second", List.of(Labels.MODEL)),
    PREEMPTIONS_PS("headroom_preemptions_per_second", "headroom.preemptions", "{preemption}/s", Type.GAUGE,
            Unknown.STALE, "Preemptions (or retractions) per second", List.of(Labels.MODEL)),
    FINISHED_PS("headroom_finished_requests_per_second", "headroom.finished_requests", "{request}/s", Type.GAUGE,
            Unknown.STALE, "Requests finished per second", List.of(Labels.MODEL)),
    ARRIVALS_PS("headroom_arriving_requests_per_second", "headroom.arriving_requests", "{request}/s", Type.GAUGE,
            Unknown.STALE, "Requests arriving per second: finished plus the growth of running and waiting",
            List.of(Labels.MODEL)),
    // A latency quantile over this pod's window: one series per pod, which no PromQL can combine across pods
    // (averaging p95s gives no p95). It is named as a per-pod quantile, with the percentile in the name: a
    // quantile label would say "summary" to Prometheus, and a summary is not what these are.
    TTFT_P50("headroom_time_to_first_token_p50_seconds", "headroom.time_to_first_token.p50", "s", Type.GAUGE,
            Unknown.STALE, perPod("Median", "time to first token", "headroom_time_to_first_token_seconds"),
            List.of(Labels.MODEL)),
    TTFT_P95("headroom_time_to_first_token_p95_seconds", "headroom.time_to_first_token.p95", "s", Type.GAUGE,
            Unknown.STALE, perPod("95th percentile of", "time to first token", "headroom_time_to_first_token_seconds"),
            List.of(Labels.MODEL)),
    ITL_P50("headroom_inter_token_latency_p50_seconds", "headroom.inter_token_latency.p50", "s", Type.GAUGE,
            Unknown.STALE, perPod("Median", "inter-token latency", "headroom_inter_token_latency_seconds"),
            List.of(Labels.MODEL)),
    ITL_P95("headroom_inter_token_latency_p95_seconds", "headroom.inter_token_latency.p95", "s", Type.GAUGE,
            Unknown.STALE, perPod("95th percentile of", "inter-token latency", "headroom_inter_token_latency_seconds"),
            List.of(Labels.MODEL)),
    ITL_MEAN("headroom_inter_token_latency_mean_seconds", "headroom.inter_token_latency.mean", "s", Type.GAUGE,
            Unknown.STALE, "Mean inter-token latency (time per output token) over the window", List.of(Labels.MODEL)),
    E2E_P50("headroom_e2e_request_latency_p50_seconds", "headroom.e2e_request_latency.p50", "s", Type.GAUGE,
            Unknown.STALE, perPod("Median", "end-to-end request latency", "headroom_e2e_request_latency_seconds"),
            List.of(Labels.MODEL)),
    E2E_P95("headroom_e2e_request_latency_p95_seconds", "headroom.e2e_request_latency.p95", "s", Type.GAUGE,
            Unknown.STALE, perPod("95th percentile of", "end-to-end request latency",
            "headroom_e2e_request_latency_seconds"), List.of(Labels.MODEL)),
    QUEUE_TIME_P50("headroom_request_queue_time_p50_seconds", "headroom.request_queue_time.p50", "s", Type.GAUGE,
            Unknown.STALE, perPod("Median", "time requests waited before scheduling",
            "headroom_request_queue_time_seconds"), List.of(Labels.MODEL)),
    QUEUE_TIME_P95("headroom_request_queue_time_p95_seconds", "headroom.request_queue_time.p95", "s", Type.GAUGE,
            Unknown.STALE, perPod("95th percentile of", "time requests waited before scheduling",
            "headroom_request_queue_time_seconds"), List.of(Labels.MODEL)),

    // The engine's latency distributions, as histograms that add up across pods: sum the buckets by le, then
    // histogram_quantile. The counts are the engine's own cumulative ones (data-parallel ranks summed), with its
    // bucket bounds; absent while the engine does not expose the latency or the signals are stale.
    TTFT_HISTOGRAM("headroom_time_to_first_token_seconds", "headroom.time_to_first_token", "s", Type.HISTOGRAM,
            Unknown.NEVER, histogram("time to first token"), List.of(Labels.MODEL)),
    ITL_HISTOGRAM("headroom_inter_token_latency_seconds", "headroom.inter_token_latency", "s", Type.HISTOGRAM,
            Unknown.NEVER, histogram("inter-token latency (one observation per gap between two output tokens)"),
            List.of(Labels.MODEL)),
    E2E_HISTOGRAM("headroom_e2e_request_latency_seconds", "headroom.e2e_request_latency", "s", Type.HISTOGRAM,
            Unknown.NEVER, histogram("end-to-end request latency"), List.of(Labels.MODEL)),
    QUEUE_TIME_HISTOGRAM("headroom_request_queue_time_seconds", "headroom.request_queue_time", "s", Type.HISTOGRAM,
            Unknown.NEVER, histogram("time requests waited before scheduling"), List.of(Labels.MODEL)),

    // The sidecar's saturation, against its display targets (headroom.sidecar.targets.*).
    SATURATION("headroom_saturation_ratio", "headroom.saturation", "1", Type.GAUGE, Unknown.STALE,
            "Each signal divided by the sidecar's target for it; 1.0 = at target", List.of(Labels.MODEL, Labels.SIGNAL)),
    SATURATION_COMPOSITE("headroom_saturation_composite_ratio", "headroom.saturation.composite", "1", Type.GAUGE,
            Unknown.STALE, "The highest saturation over all signals; 1.0 = a target is reached", List.of(Labels.MODEL)),
    SATURATION_TARGET("headroom_saturation_target", "headroom.saturation.target", "", Type.GAUGE, Unknown.NEVER,
            "The sidecar's configured target of each signal, in the signal's own unit; shown, never used to scale",
            List.of(Labels.MODEL, Labels.SIGNAL)),

    // GPU readings beside the signals, never part of them.
    GPU_PROBE_UP("headroom_gpu_probe_up", null, "", Type.GAUGE, Unknown.NEVER,
            "1 when the GPU source (NVML or a DCGM exporter) answered the last poll, else 0", List.of(Labels.SOURCE),
            Why.GPU),
    GPU_MEMORY_USED("headroom_gpu_memory_used_bytes", null, "By", Type.GAUGE, Unknown.GONE, "GPU memory in use",
            Labels.GPU, Why.GPU),
    GPU_MEMORY_FREE("headroom_gpu_memory_free_bytes", null, "By", Type.GAUGE, Unknown.GONE, "GPU memory free",
            Labels.GPU, Why.GPU),
    GPU_MEMORY_TOTAL("headroom_gpu_memory_total_bytes", null, "By", Type.GAUGE, Unknown.GONE, "GPU memory in all",
            Labels.GPU, Why.GPU),
    GPU_UTILIZATION("headroom_gpu_utilization_ratio", null, "1", Type.GAUGE, Unknown.GONE,
            "Share of time a kernel ran (what nvidia-smi shows); not a measure of headroom", Labels.GPU, Why.GPU),
    GPU_MEMORY_UTILIZATION("headroom_gpu_memory_utilization_ratio", null, "1", Type.GAUGE, Unknown.GONE,
            "Share of time device memory was read or written", Labels.GPU, Why.GPU),
    GPU_POWER("headroom_gpu_power_watts", null, "W", Type.GAUGE, Unknown.GONE, "Power draw", Labels.GPU, Why.GPU),
    GPU_TEMPERATURE("headroom_gpu_temperature_celsius", null, "Cel", Type.GAUGE, Unknown.GONE, "GPU temperature",
            Labels.GPU, Why.GPU),
    GPU_LOST("headroom_gpu_lost", null, "", Type.GAUGE, Unknown.NEVER,
            "1 when the GPU stopped answering (NVML GPU_IS_LOST)", Labels.GPU, Why.GPU),

    // The engine's own latency distributions under the GenAI semantic-convention names (1.37).
    GEN_AI_TIME_TO_FIRST_TOKEN(null, "gen_ai.server.time_to_first_token", "s", Type.HISTOGRAM, Unknown.NEVER,
            "Time to generate first token for successful responses", Labels.GEN_AI, Why.GEN_AI),
    GEN_AI_TIME_PER_OUTPUT_TOKEN(null, "gen_ai.server.time_per_output_token", "s", Type.HISTOGRAM, Unknown.NEVER,
            "Time per output token generated after the first token for successful responses", Labels.GEN_AI, Why.GEN_AI),
    GEN_AI_REQUEST_DURATION(null, "gen_ai.server.request.duration", "s", Type.HISTOGRAM, Unknown.NEVER,
            "Generative AI server request duration such as time-to-last byte or last output token", Labels.GEN_AI,
            Why.GEN_AI),

    // The controller's, per workload (its HeadroomPolicy).
    DESIRED_REPLICAS("headroom_desired_replicas", null, "", Type.GAUGE, Unknown.NEVER,
            "Replicas the latest decision asked for", Labels.WORKLOAD, Why.CONTROLLER),
    CURRENT_REPLICAS("headroom_current_replicas", null, "", Type.GAUGE, Unknown.NEVER,
            "Replicas the target had at the latest decision", Labels.WORKLOAD, Why.CONTROLLER),
    CONTROLLER_ACTING("headroom_controller_acting", null, "", Type.GAUGE, Unknown.NEVER,
            "1 when the latest decision on this controller replica is meant to take effect (external-metrics or keda"
                    + " mode, or direct mode on the leader), 0 when it is not (dry-run mode, or a standby's direct-mode"
                    + " change it does not make)", Labels.WORKLOAD, Why.CONTROLLER),
    SCALING_DECISIONS("headroom_scaling_decisions_total", null, "{decision}", Type.COUNTER, Unknown.NEVER,
            "Scaling decisions by reason", List.of(Labels.NAMESPACE, Labels.WORKLOAD_NAME, Labels.REASON),
            Why.CONTROLLER),
    POLICY_SATURATION("headroom_policy_saturation_ratio", null, "1", Type.GAUGE, Unknown.NO_DATA,
            "What the latest decision scaled on: each targeted signal's per-replica value divided by the"
                    + " HeadroomPolicy's target for it (a learned target included); 1.0 = at target",
            List.of(Labels.NAMESPACE, Labels.WORKLOAD_NAME, Labels.SIGNAL), Why.CONTROLLER),
    POLICY_SATURATION_COMPOSITE("headroom_policy_saturation_composite_ratio", null, "1", Type.GAUGE, Unknown.NO_DATA,
            "The highest policy saturation of the latest decision over the signals with data; 1.0 = a target"
                    + " of the HeadroomPolicy is reached", Labels.WORKLOAD, Why.CONTROLLER),
    POLICY_TARGET("headroom_policy_target", null, "", Type.GAUGE, Unknown.NEVER,
            "The target the latest decision held each signal to, in the signal's own unit: the HeadroomPolicy's,"
                    + " or one learned from the workload",
            List.of(Labels.NAMESPACE, Labels.WORKLOAD_NAME, Labels.SIGNAL), Why.CONTROLLER),
    POLICY_LEARNED_CAPACITY("headroom_policy_learned_capacity", null, "{request}/s", Type.GAUGE, Unknown.NEVER,
            "With spec.slo: the per-replica arrival rate at which the HeadroomPolicy's SLO is just met, as last"
                    + " learned from its engines (the arrivals_ps target is a share of it); absent before the first"
                    + " estimate", Labels.WORKLOAD, Why.CONTROLLER),
    POLICY_LEARNED_SAMPLES("headroom_policy_learned_capacity_samples", null, "{sample}", Type.GAUGE, Unknown.NEVER,
            "The readings the learned capacity rests on; below 8 it is provisional and only asks for more"
                    + " replicas", Labels.WORKLOAD, Why.CONTROLLER),
    CONTROLLER_TICK_FAILURES("headroom_controller_tick_failures_total", null, "{failure}", Type.COUNTER,
            Unknown.NEVER, "Controller rounds that ended in an unexpected error, by its class: one policy's round"
                    + " (its status says ReconcileFailed; the other policies go on) or the whole tick's",
            List.of(Labels.KIND), Why.CONTROLLER);

    /** The kind of instrument: a Micrometer gauge or counter, an OTLP gauge, monotonic sum or histogram. */
    public enum Type { GAUGE, COUNTER, HISTOGRAM }

    /** The two ways out. */
    public enum Exporter { PROMETHEUS, OTLP }

    /**
     * When a series' value can be unknown. Prometheus shows unknown as {@code NaN}, and its help text says when;
     * OTLP leaves the point out.
     */
    public enum Unknown {
        /** Always known while the series exists. */
        NEVER(""),
        /** Unknown when the engine does not expose it or the signals are stale. */
        STALE(" (NaN when unknown or stale)"),
        /** Unknown once a device stops reporting a field it reported before. */
        GONE(" (NaN when no longer reported)"),
        /** Unknown when no ready pod reported the signal fresh for the latest decision. */
        NO_DATA(" (NaN when no ready pod reported it fresh)");

        private final String note;

        Unknown(String note) {
            this.note = note;
        }
    }

    /** Label keys, as {@code /q/metrics} writes them (labels Prometheus adds from the target are not here). */
    public static final class Labels {
        public static final String MODEL = "model";
        public static final String DIALECT = "dialect";
        public static final String VERSION = "version";
        public static final String OUTCOME = "outcome";
        public static final String SIGNAL = "signal";
        public static final String SOURCE = "source";
        public static final String NAMESPACE = "namespace";
        public static final String WORKLOAD_NAME = "workload";
        public static final String REASON = "reason";
        /** An unexpected failure's class, its simple name ({@code NullPointerException}, {@code OutOfMemoryError}). */
        public static final String KIND = "kind";
        static final List<String> GPU = List.of("gpu", "uuid", "model");
        static final List<String> WORKLOAD = List.of(NAMESPACE, WORKLOAD_NAME);
        /** OTLP only: the GenAI and server attributes (see {@code OtlpMetric}). */
        static final List<String> GEN_AI = List.of("gen_ai.operation.name", "gen_ai.provider.name",
                "gen_ai.request.model", "server.address", "server.port");

        private Labels() {
        }
    }

    /** Why a row has one exporter only. */
    private static final class Why {
        static final String GPU = "GPU readings are shown beside the signals on /q/metrics only: over OTLP they"
                + " belong to the hardware semantic conventions (hw.gpu.*), which Headroom does not map yet, and a"
                + " DCGM exporter or the Collector's own receivers already send them";
        static final String GEN_AI = "the engine's own histograms, under the GenAI semantic-convention names;"
                + " on Prometheus the engine exports them itself (e.g. vllm:time_to_first_token_seconds)";
        static final String REJECTIONS = "a diagnostic of the engine's payloads, read beside /v1/signals' rejected"
                + " list; over OTLP a rejected signal is the point left out, as any unknown one";
        static final String LOOPS = "a diagnostic of the sidecar itself, beside the scrape-loop health check;"
                + " not a signal of the engine";
        static final String CONTROLLER = "the controller's, exported where it runs, on its /q/metrics;"
                + " the controller has no OTLP export";
    }

    private final String prometheusName;
    private final String otlpName;
    private final String unit;
    private final Type type;
    private final Unknown unknown;
    private final String description;
    private final List<String> labels;
    private final String oneSided;

    MetricFamily(String prometheusName, String otlpName, String unit, Type type, Unknown unknown, String description,
                 List<String> labels) {
        this(prometheusName, otlpName, unit, type, unknown, description, labels, null);
    }

    MetricFamily(String prometheusName, String otlpName, String unit, Type type, Unknown unknown, String description,
                 List<String> labels, String oneSided) {
        this.prometheusName = prometheusName;
        this.otlpName = otlpName;
        this.unit = Objects.requireNonNull(unit);
        this.type = type;
        this.unknown = unknown;
        this.description = description;
        this.labels = List.copyOf(labels);
        this.oneSided = oneSided;
        boolean none = prometheusName == null && otlpName == null;
        boolean both = prometheusName != null && otlpName != null;
        if (none || both != (oneSided == null)) {
            throw new IllegalStateException(name() + ": a row has both names, or one name and why it has only one");
        }
        if (prometheusName != null && (type == Type.COUNTER) != prometheusName.endsWith("_total")) {
            throw new IllegalStateException(name() + ": a counter's Prometheus name, and only a counter's, ends in _total");
        }
    }

    /** The name on {@code /q/metrics}, {@code _total} included for a counter; empty when only OTLP exports it. */
    public Optional<String> prometheusName() {
        return Optional.ofNullable(prometheusName);
    }

    /**
     * The name a Micrometer meter is registered under: the Prometheus name without a counter's {@code _total},
     * which Micrometer's Prometheus registry adds.
     */
    public String meterName() {
        String name = prometheusName().orElseThrow(() -> new IllegalStateException(name() + " is OTLP only"));
        return type == Type.COUNTER ? name.substring(0, name.length() - "_total".length()) : name;
    }

    /** The OTLP instrument name; empty when only Prometheus exports it. */
    public Optional<String> otlpName() {
        return Optional.ofNullable(otlpName);
    }

    /** The UCUM unit ({@code s}, {@code 1}, {@code By}, {@code {request}/s}, ...); empty for a plain number. */
    public String unit() {
        return unit;
    }

    /**
     * Micrometer's base unit, where the unit has one of Micrometer's words: {@code seconds} or {@code bytes}.
     * The Prometheus name already ends with it, so it changes no name.
     */
    public String baseUnit() {
        return switch (unit) {
            case "s" -> "seconds";
            case "By" -> "bytes";
            default -> null;
        };
    }

    public Type type() {
        return type;
    }

    /** What the value means, without the note on unknown values. */
    public String description() {
        return description;
    }

    /** The Prometheus help text: the description and, where a value can be unknown, when it reads NaN. */
    public String help() {
        return description + unknown.note;
    }

    /**
     * The label keys {@code /q/metrics} carries (the attribute keys, for a row only OTLP exports). Over OTLP a
     * row of both exporters carries the same keys, except that {@code model} is the engine's
     * {@code gen_ai.request.model}, {@code server.address} and {@code server.port}.
     */
    public List<String> labels() {
        return labels;
    }

    /** The exporters that render this row. */
    public Set<Exporter> exporters() {
        Set<Exporter> out = EnumSet.noneOf(Exporter.class);
        if (prometheusName != null) {
            out.add(Exporter.PROMETHEUS);
        }
        if (otlpName != null) {
            out.add(Exporter.OTLP);
        }
        return out;
    }

    /** Why only one exporter renders this row; empty when both do. */
    public Optional<String> oneSided() {
        return Optional.ofNullable(oneSided);
    }

    private static final Map<Signal, MetricFamily> BY_SIGNAL = new EnumMap<>(Signal.class);

    static {
        BY_SIGNAL.put(Signal.QUEUE, QUEUE);
        BY_SIGNAL.put(Signal.RUNNING, RUNNING);
        BY_SIGNAL.put(Signal.KV_UTILIZATION, KV_UTILIZATION);
        BY_SIGNAL.put(Signal.KV_CAPACITY_TOKENS, KV_CAPACITY_TOKENS);
        BY_SIGNAL.put(Signal.PROMPT_TPS, PROMPT_TPS);
        BY_SIGNAL.put(Signal.GENERATION_TPS, GENERATION_TPS);
        BY_SIGNAL.put(Signal.PREEMPTIONS_PS, PREEMPTIONS_PS);
        BY_SIGNAL.put(Signal.REQUESTS_PS, FINISHED_PS);
        BY_SIGNAL.put(Signal.ARRIVALS_PS, ARRIVALS_PS);
        BY_SIGNAL.put(Signal.ITL_MEAN, ITL_MEAN);
        BY_SIGNAL.put(Signal.TTFT_P50, TTFT_P50);
        BY_SIGNAL.put(Signal.TTFT_P95, TTFT_P95);
        BY_SIGNAL.put(Signal.ITL_P50, ITL_P50);
        BY_SIGNAL.put(Signal.ITL_P95, ITL_P95);
        BY_SIGNAL.put(Signal.E2E_P50, E2E_P50);
        BY_SIGNAL.put(Signal.E2E_P95, E2E_P95);
        BY_SIGNAL.put(Signal.QUEUE_TIME_P50, QUEUE_TIME_P50);
        BY_SIGNAL.put(Signal.QUEUE_TIME_P95, QUEUE_TIME_P95);
        if (BY_SIGNAL.size() != Signal.values().length) {
            throw new IllegalStateException("every signal needs a row");
        }
    }

    /** The family a signal's value is exported in. */
    public static MetricFamily of(Signal signal) {
        return BY_SIGNAL.get(signal);
    }

    /** The histogram an engine latency is exported as, on both paths. */
    public static MetricFamily histogram(LatencySignal latency) {
        return switch (latency) {
            case TTFT -> TTFT_HISTOGRAM;
            case ITL -> ITL_HISTOGRAM;
            case E2E -> E2E_HISTOGRAM;
            case QUEUE_TIME -> QUEUE_TIME_HISTOGRAM;
        };
    }

    private static String perPod(String which, String what, String histogram) {
        return which + " " + what + " over this pod's window; a per-pod quantile that cannot be averaged across"
                + " pods (histogram_quantile over " + histogram + "_bucket can)";
    }

    private static String histogram(String what) {
        return "The engine's " + what + ", its own cumulative histogram; sum the buckets by le across pods";
    }
}
