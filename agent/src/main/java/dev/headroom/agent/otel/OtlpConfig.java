package dev.headroom.agent.otel;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * OTLP export settings ({@code headroom.otlp.*}, or environment variables such as
 * {@code HEADROOM_OTLP_ENABLED=true}, {@code HEADROOM_OTLP_ENDPOINT}). Read and validated once at start
 * ({@link OtlpSettings}). Off by default: a laptop demo has no collector to send to. The standard
 * {@code OTEL_*} variables are honoured too ({@link OtelEnvironment}); a key set here wins over them.
 */
@ConfigMapping(prefix = "headroom.otlp")
public interface OtlpConfig {

    /**
     * Whether the signals are pushed over OTLP. Unset: on when {@code OTEL_EXPORTER_OTLP_ENDPOINT} (or the metrics
     * one) is set and {@code OTEL_SDK_DISABLED} is not {@code true}, otherwise off ({@link OtelEnvironment}).
     */
    Optional<Boolean> enabled();

    /** {@code grpc} or {@code http/protobuf}; unset: {@code OTEL_EXPORTER_OTLP_PROTOCOL}, else http/protobuf. */
    Optional<String> protocol();

    /**
     * The collector's URL. Defaults to {@code http://localhost:4317} for gRPC and
     * {@code http://localhost:4318/v1/metrics} for http/protobuf (the full path, as the OTLP/HTTP spec has it).
     */
    Optional<String> endpoint();

    /** How often the signals are exported; unset: {@code OTEL_METRIC_EXPORT_INTERVAL} (ms), else 15s. */
    Optional<Duration> interval();

    /** Time allowed for one export; unset: {@code OTEL_EXPORTER_OTLP_TIMEOUT} (ms), else 10s. */
    Optional<Duration> timeout();

    /** Headers sent with every export, e.g. {@code headroom.otlp.headers.authorization=Bearer …}. */
    Map<String, String> headers();

    /** {@code service.name} of the resource; unset: {@code OTEL_SERVICE_NAME}, else {@code headroom-sidecar}. */
    Optional<String> serviceName();

    /** {@code k8s.pod.name} of the resource; in Kubernetes set it from the downward API ({@code metadata.name}). */
    Optional<String> pod();

    /** {@code k8s.namespace.name} of the resource ({@code metadata.namespace}). */
    Optional<String> namespace();

    /**
     * {@code gen_ai.request.model} of the resource, when the deployment wants to name the model itself; every
     * data point also carries the model the engine reports.
     */
    Optional<String> model();

    /**
     * {@code gen_ai.operation.name} on the GenAI histograms. The engine's histograms do not tell chat requests
     * from plain completions, so the deployment says what it serves: {@code chat} (the default) or
     * {@code text_completion}, the semantic conventions' values.
     */
    @WithDefault("chat")
    String operationName();

    /** Further resource attributes, e.g. {@code headroom.otlp.resource-attributes."deployment.environment.name"=prod}. */
    Map<String, String> resourceAttributes();
}
