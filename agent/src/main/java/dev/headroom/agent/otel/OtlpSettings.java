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

    /** Settings from configuration; throws {@link IllegalArgumentException} listing every bad key. */
    public static OtlpSettings from(OtlpConfig config) {
        List<String> problems = new ArrayList<>();
        Protocol protocol = null;
        for (Protocol p : Protocol.values()) {
            if (p.configName.equals(config.protocol())) {
                protocol = p;
            }
        }
        if (protocol == null) {
            problems.add("headroom.otlp.protocol must be 'grpc' or 'http/protobuf', was '" + config.protocol() + "'");
        }
        URI endpoint = null;
        String raw = config.endpoint().orElse(protocol == null ? null : protocol.defaultEndpoint);
        if (raw != null) {
            try {
                endpoint = URI.create(raw.trim());
                if (!("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme())) || endpoint.getHost() == null) {
                    problems.add("headroom.otlp.endpoint must be an http(s) URL such as http://otel-collector:4318/v1/metrics, was '" + raw + "'");
                }
            } catch (IllegalArgumentException e) {
                problems.add("headroom.otlp.endpoint is not a URL: '" + raw + "' (" + e.getMessage() + ")");
            }
        }
        requirePositive("headroom.otlp.interval", config.interval(), problems);
        requirePositive("headroom.otlp.timeout", config.timeout(), problems);
        if (config.serviceName().isBlank()) {
            problems.add("headroom.otlp.service-name must not be blank");
        }
        if (config.operationName().isBlank()) {
            problems.add("headroom.otlp.operation-name must not be blank (chat or text_completion)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid OTLP settings: " + String.join("; ", problems));
        }
        Map<String, String> resource = new LinkedHashMap<>(config.resourceAttributes());
        resource.put("service.name", config.serviceName());
        config.pod().ifPresent(v -> resource.put("k8s.pod.name", v));
        config.namespace().ifPresent(v -> resource.put("k8s.namespace.name", v));
        config.model().ifPresent(v -> resource.put(OtlpMetric.ATTR_MODEL, v));
        return new OtlpSettings(protocol, endpoint, config.interval(), config.timeout(), config.headers(), resource,
                config.operationName().trim());
    }

    private static void requirePositive(String key, Duration d, List<String> problems) {
        if (d == null || d.isZero() || d.isNegative()) {
            problems.add(key + " must be a positive duration (e.g. 15s, 500ms), was " + d);
        }
    }
}
