package dev.headroom.agent.otel;

import dev.headroom.signals.Signal;
import dev.headroom.collectors.engine.LatencySignal;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The OTLP name, unit and description of each exported value: the one place these live.
 *
 * <p>Names are dotted OpenTelemetry names with UCUM units in the unit field, chosen so that the OpenTelemetry
 * Collector's Prometheus translation (dots to underscores, unit suffix appended, {@code _total} on counters,
 * annotations such as {@code {request}} dropped) gives back exactly the {@code /q/metrics} name: a dashboard
 * works on either path. The latency quantiles are windowed quantiles, not distributions, so they keep
 * Headroom's names. The engine's own latency histograms are exported besides them under the GenAI
 * semantic-convention names ({@link #genAi(LatencySignal)}); see {@code src/docs/observability.md}.
 *
 * @param name        the OTLP instrument name, e.g. {@code headroom.queue.requests}
 * @param unit        the UCUM unit, e.g. {@code s}, {@code 1}, {@code {request}}; empty for a plain number
 * @param description what the value means
 * @param quantile    the {@code quantile} attribute for latency quantiles, else null
 */
public record OtlpMetric(String name, String unit, String description, String quantile) {

    public OtlpMetric {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(description, "description");
    }

    /** The instrumentation scope under which everything here is exported. */
    public static final String SCOPE = "dev.headroom.agent";

    public static final OtlpMetric ENGINE_UP = new OtlpMetric("headroom.engine.up", "",
            "1 when the last scrape of the engine returned a readable payload, else 0", null);
    public static final OtlpMetric ENGINE_IDENTITY = new OtlpMetric("headroom.engine.identity", "",
            "Always 1; the attributes say which engine, dialect and version", null);
    public static final OtlpMetric SIGNALS_STALE = new OtlpMetric("headroom.signals.stale", "",
            "1 when the newest sample is too old to stand for the engine's current load", null);
    public static final OtlpMetric SAMPLE_AGE = new OtlpMetric("headroom.sample.age", "s",
            "Age of the newest sample", null);
    public static final OtlpMetric SCRAPE_DURATION = new OtlpMetric("headroom.scrape.duration", "s",
            "Duration of the last scrape of the engine", null);
    public static final OtlpMetric SCRAPES = new OtlpMetric("headroom.scrapes", "{scrape}",
            "Scrapes of the engine by outcome (ok, or the failure kind)", null);
    public static final OtlpMetric SATURATION = new OtlpMetric("headroom.saturation", "1",
            "Each signal divided by its target; 1.0 = at target", null);
    public static final OtlpMetric SATURATION_COMPOSITE = new OtlpMetric("headroom.saturation.composite", "1",
            "The highest saturation over all signals; 1.0 = a target is reached", null);
    public static final OtlpMetric SATURATION_TARGET = new OtlpMetric("headroom.saturation.target", "",
            "The configured target of each signal, in the signal's own unit", null);

    /**
     * The GenAI semantic-convention histograms (semantic conventions 1.37, the version the managed
     * {@code opentelemetry-semconv} artifacts carry), re-published from the engine's own cumulative histograms.
     */
    public static final OtlpMetric GEN_AI_TIME_TO_FIRST_TOKEN = new OtlpMetric("gen_ai.server.time_to_first_token", "s",
            "Time to generate first token for successful responses", null);
    public static final OtlpMetric GEN_AI_TIME_PER_OUTPUT_TOKEN = new OtlpMetric("gen_ai.server.time_per_output_token", "s",
            "Time per output token generated after the first token for successful responses", null);
    public static final OtlpMetric GEN_AI_REQUEST_DURATION = new OtlpMetric("gen_ai.server.request.duration", "s",
            "Generative AI server request duration such as time-to-last byte or last output token", null);

    /** Attribute keys. The model and server follow the GenAI and HTTP semantic conventions. */
    public static final String ATTR_MODEL = "gen_ai.request.model";
    /** Required on the GenAI server metrics; {@code gen_ai.system} before semantic conventions 1.37. */
    public static final String ATTR_PROVIDER = "gen_ai.provider.name";
    /** Required on the GenAI server metrics. */
    public static final String ATTR_OPERATION = "gen_ai.operation.name";
    public static final String ATTR_SERVER_ADDRESS = "server.address";
    public static final String ATTR_SERVER_PORT = "server.port";
    public static final String ATTR_SIGNAL = "signal";
    public static final String ATTR_QUANTILE = "quantile";
    public static final String ATTR_OUTCOME = "outcome";
    public static final String ATTR_DIALECT = "dialect";
    public static final String ATTR_VERSION = "version";

    private static final Map<Signal, OtlpMetric> BY_SIGNAL = new EnumMap<>(Signal.class);

    static {
        BY_SIGNAL.put(Signal.QUEUE, new OtlpMetric("headroom.queue.requests", "{request}", "Requests waiting to be scheduled", null));
        BY_SIGNAL.put(Signal.RUNNING, new OtlpMetric("headroom.running.requests", "{request}", "Requests in the running batch", null));
        BY_SIGNAL.put(Signal.KV_UTILIZATION, new OtlpMetric("headroom.kv_cache.utilization", "1", "KV-cache occupancy, 0..1", null));
        BY_SIGNAL.put(Signal.KV_CAPACITY_TOKENS, new OtlpMetric("headroom.kv_cache.capacity.tokens", "{token}", "KV-cache size in tokens", null));
        BY_SIGNAL.put(Signal.PROMPT_TPS, new OtlpMetric("headroom.prompt_tokens", "{token}/s", "Prompt tokens processed per second", null));
        BY_SIGNAL.put(Signal.GENERATION_TPS, new OtlpMetric("headroom.generation_tokens", "{token}/s", "Tokens generated per second", null));
        BY_SIGNAL.put(Signal.PREEMPTIONS_PS, new OtlpMetric("headroom.preemptions", "{preemption}/s", "Preemptions (or retractions) per second", null));
        BY_SIGNAL.put(Signal.REQUESTS_PS, new OtlpMetric("headroom.finished_requests", "{request}/s", "Requests finished per second", null));
        BY_SIGNAL.put(Signal.ARRIVALS_PS, new OtlpMetric("headroom.arriving_requests", "{request}/s",
                "Requests arriving per second: finished plus the growth of running and waiting", null));
        BY_SIGNAL.put(Signal.ITL_MEAN, new OtlpMetric("headroom.inter_token_latency.mean", "s",
                "Mean inter-token latency (time per output token) over the window", null));
        latency(Signal.TTFT_P50, Signal.TTFT_P95, "headroom.time_to_first_token", "Time to first token over the window");
        latency(Signal.ITL_P50, Signal.ITL_P95, "headroom.inter_token_latency", "Inter-token latency over the window");
        latency(Signal.E2E_P50, Signal.E2E_P95, "headroom.e2e_request_latency", "End-to-end request latency over the window");
        latency(Signal.QUEUE_TIME_P50, Signal.QUEUE_TIME_P95, "headroom.request_queue_time", "Time requests waited before scheduling, over the window");
        if (BY_SIGNAL.size() != Signal.values().length) {
            throw new IllegalStateException("every signal needs an OTLP name");
        }
    }

    private static void latency(Signal p50, Signal p95, String name, String description) {
        BY_SIGNAL.put(p50, new OtlpMetric(name, "s", description, "0.5"));
        BY_SIGNAL.put(p95, new OtlpMetric(name, "s", description, "0.95"));
    }

    public static OtlpMetric of(Signal signal) {
        return BY_SIGNAL.get(signal);
    }

    /**
     * The GenAI histogram an engine latency is published as; empty for a latency the conventions do not define
     * (the queue time).
     */
    public static Optional<OtlpMetric> genAi(LatencySignal latency) {
        return Optional.ofNullable(switch (latency) {
            case TTFT -> GEN_AI_TIME_TO_FIRST_TOKEN;
            case ITL -> GEN_AI_TIME_PER_OUTPUT_TOKEN;
            case E2E -> GEN_AI_REQUEST_DURATION;
            case QUEUE_TIME -> null;
        });
    }
}
