package dev.headroom.agent.otel;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The standard OpenTelemetry SDK environment variables (those the OpenTelemetry Operator injects), read from an
 * environment map so that tests need no real environment. Each field is empty when its variable is unset; a
 * malformed value is reported in {@code problems}, naming the variable and its value. Signal-specific variables
 * ({@code OTEL_EXPORTER_OTLP_METRICS_*}) win over the general ones.
 *
 * @param sdkDisabled       {@code OTEL_SDK_DISABLED}
 * @param protocol          {@code OTEL_EXPORTER_OTLP_[METRICS_]PROTOCOL}, checked to be grpc or http/protobuf
 * @param endpoint          {@code OTEL_EXPORTER_OTLP_ENDPOINT} (base URL)
 * @param metricsEndpoint   {@code OTEL_EXPORTER_OTLP_METRICS_ENDPOINT} (used as is)
 * @param timeout           {@code OTEL_EXPORTER_OTLP_[METRICS_]TIMEOUT}, milliseconds
 * @param interval          {@code OTEL_METRIC_EXPORT_INTERVAL}, milliseconds
 * @param headers           {@code OTEL_EXPORTER_OTLP_HEADERS} then {@code OTEL_EXPORTER_OTLP_METRICS_HEADERS}
 * @param serviceName       {@code OTEL_SERVICE_NAME}
 * @param resourceAttributes {@code OTEL_RESOURCE_ATTRIBUTES}
 * @param problems          one line per malformed variable
 */
public record OtelEnvironment(boolean sdkDisabled, Optional<String> protocol, Optional<String> endpoint,
                              Optional<String> metricsEndpoint, Optional<Duration> timeout, Optional<Duration> interval,
                              Map<String, String> headers, Optional<String> serviceName,
                              Map<String, String> resourceAttributes, List<String> problems) {

    public static final String SDK_DISABLED = "OTEL_SDK_DISABLED";
    public static final String ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public static final String METRICS_ENDPOINT = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT";
    public static final String PROTOCOL = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public static final String METRICS_PROTOCOL = "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL";
    public static final String HEADERS = "OTEL_EXPORTER_OTLP_HEADERS";
    public static final String METRICS_HEADERS = "OTEL_EXPORTER_OTLP_METRICS_HEADERS";
    public static final String TIMEOUT = "OTEL_EXPORTER_OTLP_TIMEOUT";
    public static final String METRICS_TIMEOUT = "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT";
    public static final String INTERVAL = "OTEL_METRIC_EXPORT_INTERVAL";
    public static final String SERVICE_NAME = "OTEL_SERVICE_NAME";
    public static final String RESOURCE_ATTRIBUTES = "OTEL_RESOURCE_ATTRIBUTES";

    public OtelEnvironment {
        headers = Map.copyOf(headers);
        resourceAttributes = Map.copyOf(resourceAttributes);
        problems = List.copyOf(problems);
    }

    /** No variable set. */
    public static OtelEnvironment empty() {
        return from(Map.of());
    }

    /** Reads the variables from {@code env} (e.g. {@link System#getenv()}). */
    public static OtelEnvironment from(Map<String, String> env) {
        List<String> problems = new java.util.ArrayList<>();
        boolean disabled = false;
        Optional<String> rawDisabled = get(env, SDK_DISABLED);
        if (rawDisabled.isPresent()) {
            String v = rawDisabled.get().toLowerCase(Locale.ROOT);
            if (v.equals("true")) {
                disabled = true;
            } else if (!v.equals("false")) {
                problems.add(SDK_DISABLED + " must be 'true' or 'false', was '" + rawDisabled.get() + "'");
            }
        }
        String protocolKey = env.containsKey(METRICS_PROTOCOL) && !env.get(METRICS_PROTOCOL).isBlank() ? METRICS_PROTOCOL : PROTOCOL;
        Optional<String> protocol = get(env, protocolKey);
        if (protocol.isPresent() && !protocol.get().equals("grpc") && !protocol.get().equals("http/protobuf")) {
            problems.add(protocolKey + " must be 'grpc' or 'http/protobuf', was '" + protocol.get() + "'");
            protocol = Optional.empty();
        }
        String timeoutKey = env.containsKey(METRICS_TIMEOUT) && !env.get(METRICS_TIMEOUT).isBlank() ? METRICS_TIMEOUT : TIMEOUT;
        Optional<Duration> timeout = millis(env, timeoutKey, problems);
        Optional<Duration> interval = millis(env, INTERVAL, problems);
        Map<String, String> headers = new LinkedHashMap<>(pairs(env, HEADERS, problems));
        headers.putAll(pairs(env, METRICS_HEADERS, problems));
        Map<String, String> resource = pairs(env, RESOURCE_ATTRIBUTES, problems);
        return new OtelEnvironment(disabled, protocol, get(env, ENDPOINT), get(env, METRICS_ENDPOINT), timeout, interval,
                headers, get(env, SERVICE_NAME), resource, problems);
    }

    /** Whether an exporter endpoint was given, the sign that the deployment wants OTLP export. */
    public boolean endpointGiven() {
        return endpoint.isPresent() || metricsEndpoint.isPresent();
    }

    /**
     * The metrics endpoint for {@code protocol}: the signal-specific one as is; else the base one, with
     * {@code /v1/metrics} appended for http/protobuf as the specification says.
     */
    public Optional<String> metricsEndpointFor(OtlpSettings.Protocol protocol) {
        if (metricsEndpoint.isPresent()) {
            return metricsEndpoint;
        }
        return endpoint.map(base -> protocol == OtlpSettings.Protocol.HTTP_PROTOBUF
                ? (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/metrics"
                : base);
    }

    private static Optional<String> get(Map<String, String> env, String key) {
        String v = env.get(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    private static Optional<Duration> millis(Map<String, String> env, String key, List<String> problems) {
        Optional<String> raw = get(env, key);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            long ms = Long.parseLong(raw.get());
            if (ms > 0) {
                return Optional.of(Duration.ofMillis(ms));
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problems.add(key + " must be a positive number of milliseconds, was '" + raw.get() + "'");
        return Optional.empty();
    }

    /** {@code k1=v1,k2=v2}, keys and values URL-decoded (W3C Baggage style, as the specification has it). */
    private static Map<String, String> pairs(Map<String, String> env, String key, List<String> problems) {
        Map<String, String> out = new LinkedHashMap<>();
        Optional<String> raw = get(env, key);
        if (raw.isEmpty()) {
            return out;
        }
        for (String item : raw.get().split(",")) {
            if (item.isBlank()) {
                continue;
            }
            int eq = item.indexOf('=');
            String k = eq < 0 ? "" : decode(item.substring(0, eq).trim());
            if (eq < 0 || k == null || k.isEmpty()) {
                problems.add(key + " must be comma-separated key=value pairs, was '" + raw.get() + "'");
                return Map.of();
            }
            String v = decode(item.substring(eq + 1).trim());
            if (v == null) {
                problems.add(key + " has a value that is not URL-encoded: '" + item.trim() + "'");
                return Map.of();
            }
            out.put(k, v);
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
