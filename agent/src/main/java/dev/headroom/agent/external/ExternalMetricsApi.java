package dev.headroom.agent.external;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.autoscaler.kubernetes.DecisionBook;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.signals.WindowConfig;

import java.time.Duration;
import java.time.InstantSource;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code external.metrics.k8s.io/v1beta1} as the Kubernetes aggregator and the HPA call it: discovery
 * ({@code /apis}, the group, the version's {@code APIResourceList}, {@code /openapi/v2}) and values
 * ({@code GET /apis/external.metrics.k8s.io/v1beta1/namespaces/{ns}/{metric}?labelSelector=workload=NAME}).
 *
 * <p>Transport-free: the server authenticates the caller and hands over the path, the selector and the
 * {@link Authentication}; this class decides the answer. Errors are Kubernetes {@code Status} objects, as the
 * HPA's client expects. It never answers an empty list or a zero for a workload it has no data for: an empty list
 * or an error both make the HPA hold, but only an error says why on the HPA's conditions.
 */
public final class ExternalMetricsApi {

    public static final String GROUP = "external.metrics.k8s.io";
    public static final String VERSION = "v1beta1";
    public static final String GROUP_VERSION = GROUP + "/" + VERSION;
    private static final String VALUES_PREFIX = "/apis/" + GROUP_VERSION + "/namespaces/";

    private final DecisionBook book;
    private final InstantSource clock;
    private final Duration maxDecisionAge;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param book           the controller's decisions
     * @param clock          the present, for the decisions' age
     * @param maxDecisionAge how old a decision may be and still be served
     */
    public ExternalMetricsApi(DecisionBook book, InstantSource clock, Duration maxDecisionAge) {
        this.book = Objects.requireNonNull(book, "book");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxDecisionAge = Objects.requireNonNull(maxDecisionAge, "maxDecisionAge");
        if (maxDecisionAge.isNegative() || maxDecisionAge.isZero()) {
            throw new IllegalArgumentException("the maximum decision age must be positive, got " + maxDecisionAge);
        }
    }

    /** Whether {@code path} is a health probe, answered without authentication. */
    public static boolean isProbe(String path) {
        return path.equals("/healthz") || path.equals("/livez") || path.equals("/readyz");
    }

    /**
     * Answers one request.
     *
     * @param method        the HTTP method
     * @param path          the request path, without the query
     * @param labelSelector the {@code labelSelector} query parameter, null when absent
     * @param caller        who is calling
     */
    public ApiResponse handle(String method, String path, String labelSelector, Authentication caller) {
        if (isProbe(path)) {
            return new ApiResponse(200, "text/plain", "ok");
        }
        if (caller instanceof Authentication.Rejected r) {
            return status(401, "Unauthorized", "Unauthorized: " + r.reason());
        }
        if (!method.equals("GET")) {
            return status(405, "MethodNotAllowed", "the server does not allow " + method + " on " + path
                    + ": external metrics are read-only");
        }
        switch (path) {
            case "/apis", "/apis/" -> {
                return ok(groupList());
            }
            case "/apis/" + GROUP, "/apis/" + GROUP + "/" -> {
                return ok(group());
            }
            case "/apis/" + GROUP_VERSION, "/apis/" + GROUP_VERSION + "/" -> {
                return ok(resourceList());
            }
            case "/openapi/v2" -> {
                return ok(openApi());
            }
            default -> {
                // values below
            }
        }
        if (!path.startsWith(VALUES_PREFIX)) {
            return status(404, "NotFound", "the server could not find the requested resource " + path);
        }
        String rest = path.substring(VALUES_PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1 || rest.indexOf('/', slash + 1) >= 0) {
            return status(404, "NotFound", "the server could not find the requested resource " + path
                    + " (expected /apis/" + GROUP_VERSION + "/namespaces/NAMESPACE/METRIC)");
        }
        if (!(caller instanceof Authentication.User user) || user.anonymous()) {
            return status(403, "Forbidden", "values are served to users the aggregator names; "
                    + (caller instanceof Authentication.User u ? "got " + u.user() : "no X-Remote-User header"));
        }
        return value(rest.substring(0, slash), rest.substring(slash + 1), labelSelector);
    }

    private ApiResponse value(String namespace, String metricName, String labelSelector) {
        var signal = ReplicaSignal.ofMetricName(metricName);
        if (signal.isEmpty()) {
            return status(404, "NotFound", "no external metric " + metricName + "; Headroom serves "
                    + String.join(", ", metricNames()));
        }
        LabelSelector selector;
        try {
            selector = LabelSelector.parse(labelSelector);
        } catch (LabelSelector.InvalidSelectorException e) {
            return status(400, "BadRequest", "labelSelector: " + e.getMessage());
        }
        var workload = selector.workload();
        if (workload.isEmpty()) {
            return status(400, "BadRequest", "the metric's selector must name one workload: "
                    + LabelSelector.WORKLOAD_LABEL + "=<HeadroomPolicy name>, got '"
                    + (labelSelector == null ? "" : labelSelector) + "'");
        }
        Map<String, String> labels = Map.of(LabelSelector.WORKLOAD_LABEL, workload.get());
        if (!selector.matches(labels)) {
            return status(404, "NotFound", "the selector '" + labelSelector + "' matches no item of " + metricName
                    + " (items carry only the label " + LabelSelector.WORKLOAD_LABEL + ")");
        }
        ServedValue served = ServedValue.read(book, namespace, workload.get(), signal.get(),
                ScalingMode.EXTERNAL_METRICS, clock.instant(), maxDecisionAge);
        if (served instanceof ServedValue.Unavailable u) {
            return switch (u.why()) {
                case NO_DECISION -> status(404, "NotFound", u.message());
                case OTHER_MODE -> status(409, "Conflict", u.message());
                case NO_DATA, STALE -> status(503, "ServiceUnavailable", u.message());
            };
        }
        ServedValue.Value v = (ServedValue.Value) served;
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("metricName", metricName);
        item.put("metricLabels", labels);
        item.put("timestamp", DateTimeFormatter.ISO_INSTANT.format(v.decidedAt().truncatedTo(ChronoUnit.SECONDS)));
        item.put("window", WindowConfig.DEFAULT_SPAN.toSeconds());
        item.put("value", v.value().quantity());
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("kind", "ExternalMetricValueList");
        list.put("apiVersion", GROUP_VERSION);
        list.put("metadata", Map.of());
        list.put("items", List.of(item));
        return ok(list);
    }

    /** The metric names served, in order. */
    public static List<String> metricNames() {
        List<String> names = new ArrayList<>();
        for (ReplicaSignal s : ReplicaSignal.values()) {
            names.add(s.metricName());
        }
        return names;
    }

    private static Map<String, Object> groupVersion() {
        Map<String, Object> gv = new LinkedHashMap<>();
        gv.put("groupVersion", GROUP_VERSION);
        gv.put("version", VERSION);
        return gv;
    }

    private static Map<String, Object> group() {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("kind", "APIGroup");
        g.put("apiVersion", "v1");
        g.put("name", GROUP);
        g.put("versions", List.of(groupVersion()));
        g.put("preferredVersion", groupVersion());
        return g;
    }

    private static Map<String, Object> groupList() {
        Map<String, Object> g = new LinkedHashMap<>(group());
        g.remove("kind");
        g.remove("apiVersion");
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("kind", "APIGroupList");
        list.put("apiVersion", "v1");
        list.put("groups", List.of(g));
        return list;
    }

    private static Map<String, Object> resourceList() {
        List<Object> resources = new ArrayList<>();
        for (String name : metricNames()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", name);
            r.put("singularName", "");
            r.put("namespaced", true);
            r.put("kind", "ExternalMetricValueList");
            r.put("verbs", List.of("get"));
            resources.add(r);
        }
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("kind", "APIResourceList");
        list.put("apiVersion", "v1");
        list.put("groupVersion", GROUP_VERSION);
        list.put("resources", resources);
        return list;
    }

    private static Map<String, Object> openApi() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("title", "Headroom external metrics");
        info.put("version", VERSION);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("swagger", "2.0");
        doc.put("info", info);
        doc.put("paths", Map.of());
        return doc;
    }

    private ApiResponse ok(Object body) {
        return ApiResponse.json(200, write(body));
    }

    /** A Kubernetes {@code Status} (failure) as the API server writes it. */
    ApiResponse status(int code, String reason, String message) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("kind", "Status");
        s.put("apiVersion", "v1");
        s.put("metadata", Map.of());
        s.put("status", "Failure");
        s.put("message", message);
        s.put("reason", reason);
        s.put("code", code);
        return ApiResponse.json(code, write(s));
    }

    private String write(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings and numbers always serialise", e);
        }
    }
}
