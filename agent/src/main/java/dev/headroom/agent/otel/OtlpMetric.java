package dev.headroom.agent.otel;

import dev.headroom.agent.metrics.MetricFamily;
import dev.headroom.signals.Signal;
import dev.headroom.collectors.engine.LatencySignal;

import java.util.Objects;
import java.util.Optional;

/**
 * The OTLP name, unit and description of an exported value, as {@link MetricFamily} (the one table of every
 * exported metric) has them, for the OTLP exporter.
 *
 * <p>Names are dotted OpenTelemetry names with UCUM units in the unit field, chosen so that the OpenTelemetry
 * Collector's Prometheus translation (dots to underscores, unit suffix appended, {@code _total} on counters,
 * annotations such as {@code {request}} dropped) gives back exactly the {@code /q/metrics} name: a dashboard
 * works on either path. The windowed latency quantiles are per-pod gauges; the engine's own latency histograms
 * are exported beside them under Headroom's names ({@link #histogram(LatencySignal)}) and, where the GenAI
 * semantic conventions define one, under its name too ({@link #genAi(LatencySignal)}); see
 * {@code src/docs/observability.md}.
 *
 * @param name        the OTLP instrument name, e.g. {@code headroom.queue.requests}
 * @param unit        the UCUM unit, e.g. {@code s}, {@code 1}, {@code {request}}; empty for a plain number
 * @param description what the value means
 */
public record OtlpMetric(String name, String unit, String description) {

    public OtlpMetric {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(description, "description");
    }

    /** The instrumentation scope under which everything here is exported. */
    public static final String SCOPE = "dev.headroom.agent";

    public static final OtlpMetric ENGINE_UP = of(MetricFamily.ENGINE_UP);
    public static final OtlpMetric ENGINE_INFO = of(MetricFamily.ENGINE_INFO);
    public static final OtlpMetric SIGNALS_STALE = of(MetricFamily.SIGNALS_STALE);
    public static final OtlpMetric SAMPLE_AGE = of(MetricFamily.SAMPLE_AGE);
    public static final OtlpMetric SCRAPE_DURATION = of(MetricFamily.SCRAPE_DURATION);
    public static final OtlpMetric SCRAPES = of(MetricFamily.SCRAPES);
    public static final OtlpMetric SATURATION = of(MetricFamily.SATURATION);
    public static final OtlpMetric SATURATION_COMPOSITE = of(MetricFamily.SATURATION_COMPOSITE);
    public static final OtlpMetric SATURATION_TARGET = of(MetricFamily.SATURATION_TARGET);

    /**
     * The GenAI semantic-convention histograms (semantic conventions 1.37, the version the managed
     * {@code opentelemetry-semconv} artifacts carry), re-published from the engine's own cumulative histograms.
     */
    public static final OtlpMetric GEN_AI_TIME_TO_FIRST_TOKEN = of(MetricFamily.GEN_AI_TIME_TO_FIRST_TOKEN);
    public static final OtlpMetric GEN_AI_TIME_PER_OUTPUT_TOKEN = of(MetricFamily.GEN_AI_TIME_PER_OUTPUT_TOKEN);
    public static final OtlpMetric GEN_AI_REQUEST_DURATION = of(MetricFamily.GEN_AI_REQUEST_DURATION);

    /** Attribute keys. The model and server follow the GenAI and HTTP semantic conventions. */
    public static final String ATTR_MODEL = "gen_ai.request.model";
    /** Required on the GenAI server metrics; {@code gen_ai.system} before semantic conventions 1.37. */
    public static final String ATTR_PROVIDER = "gen_ai.provider.name";
    /** Required on the GenAI server metrics. */
    public static final String ATTR_OPERATION = "gen_ai.operation.name";
    public static final String ATTR_SERVER_ADDRESS = "server.address";
    public static final String ATTR_SERVER_PORT = "server.port";
    public static final String ATTR_SIGNAL = MetricFamily.Labels.SIGNAL;
    public static final String ATTR_OUTCOME = MetricFamily.Labels.OUTCOME;
    public static final String ATTR_DIALECT = MetricFamily.Labels.DIALECT;
    public static final String ATTR_VERSION = MetricFamily.Labels.VERSION;

    /** A row of the table as OTLP exports it; the row must have an OTLP name. */
    public static OtlpMetric of(MetricFamily family) {
        return new OtlpMetric(family.otlpName().orElseThrow(() -> new IllegalArgumentException(family + " is not exported over OTLP")),
                family.unit(), family.description());
    }

    /** How {@code signal} is exported over OTLP: its family's name, unit and description. */
    public static OtlpMetric of(Signal signal) {
        return of(MetricFamily.of(signal));
    }

    /** The histogram, under Headroom's name, an engine latency is published as (every latency has one). */
    public static OtlpMetric histogram(LatencySignal latency) {
        return of(MetricFamily.histogram(latency));
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
