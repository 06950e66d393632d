package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicy;
import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicySpec;
import dev.headroom.autoscaler.kubernetes.crd.ScaleDownVotingRule;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.kubernetes.crd.SignalSource;
import dev.headroom.autoscaler.loop.ScaleTarget;
import dev.headroom.autoscaler.policy.Behavior;
import dev.headroom.autoscaler.policy.LoadForecast;
import dev.headroom.autoscaler.policy.PolicySpec;
import dev.headroom.autoscaler.policy.RatePolicy;
import dev.headroom.autoscaler.policy.ScaleDownVoting;
import dev.headroom.autoscaler.policy.ScalingRules;
import dev.headroom.autoscaler.policy.SelectPolicy;
import dev.headroom.autoscaler.policy.SloSpec;
import dev.headroom.signals.InvalidTargetsException;
import dev.headroom.signals.SaturationTargets;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A {@code HeadroomPolicy} read once into the validated values the controller works with. Every problem is
 * collected and reported together, each naming its field; nothing is half-applied.
 */
public final class PolicySpecs {

    /** The sidecar's port when neither the policy nor the pod says (the agent's {@code quarkus.http.port}). */
    public static final int DEFAULT_SIDECAR_PORT = 8480;
    /** The sidecar's signals path. */
    public static final String DEFAULT_SIDECAR_PATH = "/v1/signals";
    /** The pod annotation that overrides the sidecar port for that pod. */
    public static final String SIDECAR_PORT_ANNOTATION = "headroom.dev/sidecar-port";
    /** The engine's metrics port when neither the policy nor the pod says ({@code source: engine}; vLLM's). */
    public static final int DEFAULT_ENGINE_PORT = 8000;
    /** The engine's metrics path ({@code source: engine}). */
    public static final String DEFAULT_ENGINE_PATH = "/metrics";
    /** The pod annotation that overrides the engine's metrics port for that pod ({@code source: engine}). */
    public static final String ENGINE_PORT_ANNOTATION = "headroom.dev/engine-port";

    private PolicySpecs() {
    }

    /**
     * One policy, validated.
     *
     * @param key        namespace and name
     * @param generation {@code metadata.generation} it was read at
     * @param target     the object to scale
     * @param selector   the pods' label selector as the policy gives it; empty: the target's own, read from its
     *                   scale subresource as the HPA reads it
     * @param port       the port signals are read from: the sidecar's, or the engine's with {@code source: engine}
     * @param path       the path signals are read from: the sidecar's signals path, or the engine's metrics path
     * @param mode       how decisions are acted on
     * @param spec       limits, targets, behaviour, scale-down voting and forecast
     * @param source     where the pods' signals are read
     */
    public record Resolved(WorkloadKey key, long generation, ScaleTarget target,
                           Optional<io.fabric8.kubernetes.api.model.LabelSelector> selector, int port, String path,
                           ScalingMode mode, PolicySpec spec, SignalSource source) {
    }

    /** Reads {@code policy}; throws {@link InvalidPolicyException} listing every bad field. */
    public static Resolved resolve(HeadroomPolicy policy) {
        String ns = policy.getMetadata().getNamespace();
        String name = policy.getMetadata().getName();
        WorkloadKey key = new WorkloadKey(ns == null ? "default" : ns, name);
        HeadroomPolicySpec s = policy.getSpec();
        List<String> problems = new ArrayList<>();
        if (s == null) {
            throw new InvalidPolicyException(key.toString(), List.of("spec is missing"));
        }
        ScaleTarget target = null;
        if (s.scaleTargetRef == null || blank(s.scaleTargetRef.kind) || blank(s.scaleTargetRef.name)) {
            problems.add("spec.scaleTargetRef needs kind and name (e.g. kind: Deployment, name: my-engine)");
        } else {
            String apiVersion = blank(s.scaleTargetRef.apiVersion) ? "apps/v1" : s.scaleTargetRef.apiVersion;
            target = new ScaleTarget(apiVersion, s.scaleTargetRef.kind, key.namespace(), s.scaleTargetRef.name);
        }
        if (s.selector != null) {
            selectorProblems(s.selector, problems);
        }
        SignalSource source = s.source == null ? SignalSource.SIDECAR : s.source;
        int port;
        String path;
        if (source == SignalSource.ENGINE) {
            port = port("spec.engine.port", s.engine == null ? null : s.engine.port, DEFAULT_ENGINE_PORT, problems);
            path = path("spec.engine.path", s.engine == null ? null : s.engine.path, DEFAULT_ENGINE_PATH, problems);
        } else {
            port = port("spec.sidecar.port", s.sidecar == null ? null : s.sidecar.port, DEFAULT_SIDECAR_PORT,
                    problems);
            path = path("spec.sidecar.path", s.sidecar == null ? null : s.sidecar.path, DEFAULT_SIDECAR_PATH,
                    problems);
        }
        int min = s.minReplicas == null ? 1 : s.minReplicas;
        if (s.maxReplicas == null) {
            problems.add("spec.maxReplicas is required");
        } else if (min < 0 || s.maxReplicas < 1 || s.maxReplicas < min) {
            problems.add("spec.minReplicas " + min + " and spec.maxReplicas " + s.maxReplicas
                    + " must satisfy 0 ≤ minReplicas ≤ maxReplicas and maxReplicas ≥ 1");
        }
        SloSpec slo = slo(s.slo, problems);
        SaturationTargets targets = slo == null ? SaturationTargets.defaults() : slo.targets();
        if (s.targets != null && !s.targets.isEmpty()) {
            Map<String, String> raw = new LinkedHashMap<>();
            s.targets.forEach((k, v) -> raw.put(k, v == null ? null : Double.toString(v)));
            try {
                // Alone, the targets are the whole set; beside an SLO they override what it sets.
                targets = slo == null ? SaturationTargets.parse(raw) : targets.overriddenBy(raw);
            } catch (InvalidTargetsException e) {
                e.problems().forEach(p -> problems.add("spec.targets: " + p));
            }
        }
        Behavior behavior = Behavior.defaults();
        if (s.behavior != null) {
            ScalingRules up = rules("spec.behavior.scaleUp", s.behavior.scaleUp, ScalingRules.defaultScaleUp(),
                    problems);
            ScalingRules down = rules("spec.behavior.scaleDown", s.behavior.scaleDown,
                    ScalingRules.defaultScaleDown(), problems);
            if (up != null && down != null) {
                behavior = new Behavior(up, down);
            }
        }
        LoadForecast forecast = forecast(s.forecast, problems);
        ScaleDownVoting voting = s.scaleDownVoting == ScaleDownVotingRule.EVERY_SIGNAL
                ? ScaleDownVoting.EVERY_SIGNAL : ScaleDownVoting.LOAD_SIGNALS;
        ScalingMode mode = s.mode == null ? ScalingMode.DRY_RUN : s.mode;
        if (mode == ScalingMode.DIRECT && s.minReplicas != null && s.minReplicas == 0) {
            // At zero no pod runs, no sidecar reports, and the policy holds at zero on "no data" for good.
            problems.add("spec.minReplicas is 0 in Direct mode; Headroom cannot scale from zero, since no pod would"
                    + " be left to report load: set minReplicas to 1 or more, or use mode: KEDA with a trigger that"
                    + " sees demand without pods (a queue, a gateway's request rate) to wake the workload");
        }
        if (!problems.isEmpty()) {
            throw new InvalidPolicyException(key.toString(), problems);
        }
        PolicySpec spec = new PolicySpec(min, s.maxReplicas, targets, behavior, voting, forecast,
                Optional.ofNullable(slo));
        Long generation = policy.getMetadata().getGeneration();
        return new Resolved(key, generation == null ? 0 : generation, target, Optional.ofNullable(s.selector), port,
                path, mode, spec, source);
    }

    /**
     * A selector given must select by something: an empty one would poll every pod in the namespace. (Left out, the
     * target's own selector is used.)
     */
    private static void selectorProblems(io.fabric8.kubernetes.api.model.LabelSelector selector,
                                         List<String> problems) {
        if (LabelSelectors.isEmpty(selector)) {
            problems.add("spec.selector, when given, must select the target's pods with matchLabels or"
                    + " matchExpressions; an empty selector would poll every pod in the namespace (leave it out to"
                    + " use the target's own selector)");
            return;
        }
        if (selector.getMatchExpressions() != null) {
            for (int i = 0; i < selector.getMatchExpressions().size(); i++) {
                var r = selector.getMatchExpressions().get(i);
                String at = "spec.selector.matchExpressions[" + i + "]";
                if (r == null || blank(r.getKey()) || r.getOperator() == null) {
                    problems.add(at + " needs key and operator");
                } else if (!List.of("In", "NotIn", "Exists", "DoesNotExist").contains(r.getOperator())) {
                    problems.add(at + ".operator is '" + r.getOperator()
                            + "'; expected In, NotIn, Exists or DoesNotExist");
                } else if ((r.getOperator().equals("In") || r.getOperator().equals("NotIn"))
                        && (r.getValues() == null || r.getValues().isEmpty())) {
                    problems.add(at + " (" + r.getOperator() + ") needs at least one value");
                }
            }
        }
    }

    private static int port(String field, Integer value, int fallback, List<String> problems) {
        if (value == null) {
            return fallback;
        }
        if (value < 1 || value > 65535) {
            problems.add(field + " is " + value + "; expected 1 to 65535");
            return fallback;
        }
        return value;
    }

    private static String path(String field, String value, String fallback, List<String> problems) {
        if (value == null) {
            return fallback;
        }
        if (!value.startsWith("/")) {
            problems.add(field + " is '" + value + "'; expected a path starting with /");
            return fallback;
        }
        return value;
    }

    /** {@code spec.slo}: null when absent or when a field is bad (each bad field named in {@code problems}). */
    private static SloSpec slo(HeadroomPolicySpec.SloSpec o, List<String> problems) {
        if (o == null) {
            return null;
        }
        int before = problems.size();
        if (o.ttftSeconds == null || !(o.ttftSeconds > 0) || !Double.isFinite(o.ttftSeconds)) {
            problems.add("spec.slo.ttftSeconds is " + o.ttftSeconds + "; expected a finite number of seconds > 0");
        }
        if (o.itlSeconds == null || !(o.itlSeconds > 0) || !Double.isFinite(o.itlSeconds)) {
            problems.add("spec.slo.itlSeconds is " + o.itlSeconds + "; expected a finite number of seconds > 0");
        }
        double attainment = o.attainment == null ? SloSpec.DEFAULT_ATTAINMENT : o.attainment;
        if (!(attainment > 0 && attainment <= 1)) {
            problems.add("spec.slo.attainment is " + o.attainment + "; expected a share in (0, 1], e.g. 0.99");
        }
        if (o.ttftQuantile != null && !(o.ttftQuantile > 0 && o.ttftQuantile < 1)) {
            problems.add("spec.slo.ttftQuantile is " + o.ttftQuantile + "; expected a quantile in (0, 1), e.g. 0.95");
        }
        if (o.itlQuantile != null && !(o.itlQuantile > 0 && o.itlQuantile < 1)) {
            problems.add("spec.slo.itlQuantile is " + o.itlQuantile + "; expected a quantile in (0, 1), or absent for"
                    + " the mean");
        }
        if (problems.size() != before) {
            return null;
        }
        double ttftQuantile = o.ttftQuantile != null ? o.ttftQuantile : Math.min(attainment, 0.999);
        return new SloSpec(o.ttftSeconds, ttftQuantile, o.itlSeconds,
                o.itlQuantile == null ? OptionalDouble.empty() : OptionalDouble.of(o.itlQuantile), attainment);
    }

    /** {@code spec.forecast}: {@link LoadForecast#OFF} when absent; null when a field is out of range. */
    private static LoadForecast forecast(HeadroomPolicySpec.ForecastSpec f, List<String> problems) {
        if (f == null) {
            return LoadForecast.OFF;
        }
        int before = problems.size();
        long lead = 0;
        if (f.leadTimeSeconds != null) {
            if (f.leadTimeSeconds < 0 || f.leadTimeSeconds > 3600) {
                problems.add("spec.forecast.leadTimeSeconds is " + f.leadTimeSeconds + "; expected 0 to 3600");
            } else {
                lead = f.leadTimeSeconds;
            }
        }
        Duration window = LoadForecast.DEFAULT_TREND_WINDOW;
        if (f.trendWindowSeconds != null) {
            if (f.trendWindowSeconds < 30 || f.trendWindowSeconds > 3600) {
                problems.add("spec.forecast.trendWindowSeconds is " + f.trendWindowSeconds + "; expected 30 to 3600");
            } else {
                window = Duration.ofSeconds(f.trendWindowSeconds);
            }
        }
        return problems.size() == before ? new LoadForecast(Duration.ofSeconds(lead), window) : null;
    }

    private static ScalingRules rules(String field, HeadroomPolicySpec.RulesSpec r, ScalingRules defaults,
                                      List<String> problems) {
        if (r == null) {
            return defaults;
        }
        int before = problems.size();
        Duration window = defaults.stabilizationWindow();
        if (r.stabilizationWindowSeconds != null) {
            if (r.stabilizationWindowSeconds < 0 || r.stabilizationWindowSeconds > 3600) {
                problems.add(field + ".stabilizationWindowSeconds is " + r.stabilizationWindowSeconds
                        + "; expected 0 to 3600");
            } else {
                window = Duration.ofSeconds(r.stabilizationWindowSeconds);
            }
        }
        SelectPolicy select = defaults.selectPolicy();
        if (r.selectPolicy != null) {
            switch (r.selectPolicy) {
                case "Max" -> select = SelectPolicy.MAX;
                case "Min" -> select = SelectPolicy.MIN;
                case "Disabled" -> select = SelectPolicy.DISABLED;
                default -> problems.add(field + ".selectPolicy is '" + r.selectPolicy
                        + "'; expected Max, Min or Disabled");
            }
        }
        List<RatePolicy> policies = defaults.policies();
        if (r.policies != null) {
            policies = new ArrayList<>();
            for (int i = 0; i < r.policies.size(); i++) {
                HeadroomPolicySpec.RatePolicySpec p = r.policies.get(i);
                String at = field + ".policies[" + i + "]";
                if (p == null || p.value == null || p.periodSeconds == null || p.type == null) {
                    problems.add(at + " needs type, value and periodSeconds");
                    continue;
                }
                RatePolicy.Type type = switch (p.type) {
                    case "Pods" -> RatePolicy.Type.PODS;
                    case "Percent" -> RatePolicy.Type.PERCENT;
                    default -> null;
                };
                if (type == null) {
                    problems.add(at + ".type is '" + p.type + "'; expected Pods or Percent");
                } else if (p.value <= 0) {
                    problems.add(at + ".value is " + p.value + "; expected a positive number");
                } else if (p.periodSeconds < 1 || p.periodSeconds > 1800) {
                    problems.add(at + ".periodSeconds is " + p.periodSeconds + "; expected 1 to 1800");
                } else {
                    policies.add(new RatePolicy(type, p.value, Duration.ofSeconds(p.periodSeconds)));
                }
            }
            if (policies.isEmpty() && select != SelectPolicy.DISABLED && problems.size() == before) {
                problems.add(field + ".policies is empty; give at least one or set selectPolicy: Disabled");
            }
        }
        double tolerance = defaults.tolerance();
        if (r.tolerance != null) {
            if (!Double.isFinite(r.tolerance) || r.tolerance < 0) {
                problems.add(field + ".tolerance is " + r.tolerance + "; expected a number ≥ 0");
            } else {
                tolerance = r.tolerance;
            }
        }
        return problems.size() == before ? new ScalingRules(window, select, policies, tolerance) : null;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
