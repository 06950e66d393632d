package dev.headroom.agent.otel;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Validated OTLP export settings. Every mistake is reported at once, each naming the key, the value and what
 * would be accepted.
 *
 * @param protocol  the OTLP transport
 * @param endpoint  the collector's URL (for http/protobuf the full {@code /v1/metrics} URL)
 * @param interval  how often to export
 * @param timeout   time allowed for one export
 * @param headers   sent with every export
 * @param resource  resource attributes ({@code service.name}, {@code k8s.pod.name}, ...)
 * @param operationName {@code gen_ai.operation.name} of the GenAI histograms
 */
public record OtlpSettings(Protocol protocol, URI endpoint, Duration interval, Duration timeout,
                           Map<String, String> headers, Map<String, String> resource, String operationName) {

    /** The two OTLP transports, by their configuration names. */
    public enum Protocol {
        GRPC("grpc", "http://localhost:4317"),
        HTTP_PROTOBUF("http/protobuf", "http://localhost:4318/v1/metrics");

        private final String configName;
        private final String defaultEndpoint;

        Protocol(String configName, String defaultEndpoint) {
            this.configName = configName;
            this.defaultEndpoint = defaultEndpoint;
        }

        public String configName() {
            return configName;
        }
    }

    public OtlpSettings {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(operationName, "operationName");
        headers = Map.copyOf(headers);
        resource = Map.copyOf(resource);
    }

    /** Settings from configuration alone, as if no {@code OTEL_*} variable were set. */
    public static OtlpSettings from(OtlpConfig config) {
        return from(config, OtelEnvironment.empty());
    }

    /**
     * Whether export is on: {@code headroom.otlp.enabled} when set; else on when the environment names an OTLP
     * endpoint and {@code OTEL_SDK_DISABLED} is not {@code true}.
     */
    public static boolean enabled(OtlpConfig config, OtelEnvironment env) {
        return config.enabled().orElse(!env.sdkDisabled() && env.endpointGiven());
    }

    /**
     * Settings from configuration and the standard {@code OTEL_*} variables: a {@code headroom.otlp.*} key that
     * is set wins over its variable, which wins over the default. Throws {@link IllegalArgumentException}
     * listing every bad key or variable.
     */
    public static OtlpSettings from(OtlpConfig config, OtelEnvironment env) {
        List<String> problems = new ArrayList<>(env.problems());
        Protocol protocol = null;
        String rawProtocol = config.protocol().or(env::protocol).orElse(Protocol.HTTP_PROTOBUF.configName);
        for (Protocol p : Protocol.values()) {
            if (p.configName.equals(rawProtocol.trim())) {
                protocol = p;
            }
        }
        if (protocol == null) {
            problems.add("headroom.otlp.protocol must be 'grpc' or 'http/protobuf', was '" + rawProtocol + "'");
        }
        URI endpoint = null;
        final Protocol chosen = protocol;
        String raw = protocol == null ? config.endpoint().orElse(null)
                : config.endpoint().or(() -> env.metricsEndpointFor(chosen)).orElse(protocol.defaultEndpoint);
        String endpointKey = config.endpoint().isPresent() ? "headroom.otlp.endpoint"
                : env.metricsEndpoint().isPresent() ? OtelEnvironment.METRICS_ENDPOINT
                : env.endpoint().isPresent() ? OtelEnvironment.ENDPOINT : "headroom.otlp.endpoint";
        if (raw != null) {
            try {
                endpoint = URI.create(raw.trim());
                if (!("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme())) || endpoint.getHost() == null
                        || endpoint.getPort() > 65_535) {
                    problems.add(endpointKey + " must be an http(s) URL such as http://otel-collector:4318/v1/metrics, was '" + raw + "'");
                }
            } catch (IllegalArgumentException e) {
                problems.add(endpointKey + " is not a URL: '" + raw + "' (" + e.getMessage() + ")");
            }
        }
        Duration interval = config.interval().or(env::interval).orElse(Duration.ofSeconds(15));
        Duration timeout = config.timeout().or(env::timeout).orElse(Duration.ofSeconds(10));
        requirePositive("headroom.otlp.interval", interval, problems);
        requirePositive("headroom.otlp.timeout", timeout, problems);
        String serviceName = config.serviceName().or(env::serviceName)
                .orElse(env.resourceAttributes().getOrDefault("service.name", "headroom-sidecar"));
        if (serviceName.isBlank()) {
            problems.add("headroom.otlp.service-name must not be blank");
        }
        if (config.operationName().isBlank()) {
            problems.add("headroom.otlp.operation-name must not be blank (chat or text_completion)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid OTLP settings: " + String.join("; ", problems));
        }
        Map<String, String> headers = new LinkedHashMap<>(env.headers());
        headers.putAll(config.headers());
        Map<String, String> resource = new LinkedHashMap<>(env.resourceAttributes());
        resource.putAll(config.resourceAttributes());
        resource.put("service.name", serviceName);
        config.pod().ifPresent(v -> resource.put("k8s.pod.name", v));
        config.namespace().ifPresent(v -> resource.put("k8s.namespace.name", v));
        config.model().ifPresent(v -> resource.put(OtlpMetric.ATTR_MODEL, v));
        return new OtlpSettings(protocol, endpoint, interval, timeout, headers, resource,
                config.operationName().trim());
    }

    private static void requirePositive(String key, Duration d, List<String> problems) {
        if (d == null || d.isZero() || d.isNegative()) {
            problems.add(key + " must be a positive duration (e.g. 15s, 500ms), was " + d);
        }
    }
}
