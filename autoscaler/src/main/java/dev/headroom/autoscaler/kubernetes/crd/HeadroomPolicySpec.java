package dev.headroom.autoscaler.kubernetes.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;

import java.util.LinkedHashMap;
import java.util.Map;

/** The desired scaling of one workload. Validated into a {@code PolicySpec} by {@code PolicySpecs}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.minReplicas) || self.minReplicas <= self.maxReplicas",
        message = "spec.minReplicas must not exceed spec.maxReplicas")
@ValidationRule(value = "!has(self.mode) || !(self.mode in ['Direct', 'direct']) || !has(self.minReplicas)"
        + " || self.minReplicas >= 1",
        message = "spec.minReplicas is 0 in Direct mode; Headroom cannot scale from zero (use mode: KEDA)")
public class HeadroomPolicySpec {

    @Required
    @JsonPropertyDescription("The object to scale: anything with a scale subresource (Deployment, StatefulSet, ...).")
    public ScaleTargetRef scaleTargetRef;

    @JsonPropertyDescription("Selects the target's pods, whose sidecars are polled. Absent: the target's own selector, "
            + "read from its scale subresource (status.selector) as the HPA reads it; give one only to poll a subset.")
    public LabelSelector selector;

    @JsonPropertyDescription("Where each pod's Headroom sidecar serves /v1/signals. A pod's annotation "
            + "headroom.dev/sidecar-port overrides the port.")
    public SidecarEndpoint sidecar;

    @JsonPropertyDescription("Where each pod's signals are read: Sidecar (default; the pod's Headroom sidecar, "
            + "/v1/signals) or Engine (the controller scrapes the engine's own metrics endpoint, spec.engine, with "
            + "the sidecar's reader and window; no sidecar needed, no per-pod GPU readings or OTLP). The first "
            + "release's sidecar and engine are still accepted.")
    @SchemaFrom(type = SignalSource.Spelling.class)
    public SignalSource source;

    @JsonPropertyDescription("Where each pod's engine serves its metrics, for source: engine. A pod's annotation "
            + "headroom.dev/engine-port overrides the port.")
    public EngineEndpoint engine;

    @JsonPropertyDescription("The fewest replicas (default 1).")
    @Min(0)
    public Integer minReplicas;

    @Required
    @JsonPropertyDescription("The most replicas.")
    @Min(1)
    public Integer maxReplicas;

    @JsonPropertyDescription("Per signal key (kv_utilization, queue, ttft_p95, itl_p95, ...), the value one "
            + "replica should run at. Empty: Headroom's defaults.")
    public Map<String, Double> targets = new LinkedHashMap<>();

    @JsonPropertyDescription("Stabilisation windows, rate policies and tolerance per direction, as the HPA's.")
    public BehaviorSpec behavior;

    @JsonPropertyDescription("Direct (patch the scale subresource), ExternalMetrics, KEDA, or DryRun "
            + "(decide and explain only). Default DryRun. The first release's direct, external-metrics, keda and "
            + "dry-run are still accepted.")
    @SchemaFrom(type = ScalingMode.Spelling.class)
    public ScalingMode mode;

    @JsonPropertyDescription("Carries the summed load signals one lead time ahead along their recent trend, so that "
            + "replicas asked for now are serving when the load arrives. Absent: no forecast.")
    public ForecastSpec forecast;

    @JsonPropertyDescription("Which signals may vote for fewer replicas. LoadSignals (default): alarm signals (queue, "
            + "latencies, preemptions) vote only up, one step at a time, and only load signals (KV utilisation, "
            + "running requests, rates) vote down. EverySignal: the HPA's rule, every signal votes both ways with "
            + "the HPA's arithmetic.")
    public ScaleDownVotingRule scaleDownVoting;

    @JsonPropertyDescription("The service-level objective to scale for. With it, the latency alarms follow the SLO and "
            + "Headroom learns, per workload and online, the per-replica load at which the SLO is just met (no "
            + "arrivals_ps target needed); spec.targets still override any target it sets.")
    public SloSpec slo;

    /** {@code slo}: TTFT at a quantile, ITL as a mean or at a quantile, attainment. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class SloSpec {
        @Required
        @JsonPropertyDescription("Time to first token, seconds (> 0).")
        @Min(value = 0, inclusive = false)
        public Double ttftSeconds;
        @JsonPropertyDescription("The quantile the TTFT objective is on, in (0, 1); default: attainment.")
        @Min(value = 0, inclusive = false) @Max(value = 1, inclusive = false)
        public Double ttftQuantile;
        @Required
        @JsonPropertyDescription("Inter-token latency, seconds (> 0).")
        @Min(value = 0, inclusive = false)
        public Double itlSeconds;
        @JsonPropertyDescription("The quantile the ITL objective is on, in (0, 1); absent: the mean time per output "
                + "token (TPOT).")
        @Min(value = 0, inclusive = false) @Max(value = 1, inclusive = false)
        public Double itlQuantile;
        @JsonPropertyDescription("The share of requests that must meet the objective, in (0, 1]; default 0.99.")
        @Min(value = 0, inclusive = false) @Max(1)
        public Double attainment;
    }

    /** {@code scaleTargetRef}: as an HPA's. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ScaleTargetRef {
        @JsonPropertyDescription("e.g. apps/v1")
        public String apiVersion;
        @Required
        @JsonPropertyDescription("e.g. Deployment")
        public String kind;
        @Required
        @JsonPropertyDescription("The object's name, in the policy's namespace.")
        public String name;
    }

    /** Where the sidecar listens in each pod. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class SidecarEndpoint {
        @JsonPropertyDescription("The sidecar's HTTP port (default 8480).")
        @Min(1) @Max(65535)
        public Integer port;
        @JsonPropertyDescription("The signals path (default /v1/signals).")
        @Pattern("^/")
        public String path;
    }

    /** Where the engine serves its metrics in each pod ({@code source: engine}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class EngineEndpoint {
        @JsonPropertyDescription("The engine's HTTP port (default 8000).")
        public Integer port;
        @JsonPropertyDescription("The metrics path (default /metrics).")
        public String path;
    }

    /** {@code forecast}: how far ahead the load signals are carried, and over how much history. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ForecastSpec {
        @JsonPropertyDescription("Seconds ahead to carry the load trend (0 to 3600; 0 or absent: off, the default). "
                + "The natural value is the engine's cold start (image pull, weight load, warm-up) plus the "
                + "controller's decision interval, e.g. 105 for a 90 s cold start decided every 15 s.")
        @Min(0) @Max(3600)
        public Integer leadTimeSeconds;
        @JsonPropertyDescription("Seconds of history the trend line is fitted to (30 to 3600, default 300).")
        @Min(30) @Max(3600)
        public Integer trendWindowSeconds;
    }

    /** The HPA's {@code behavior}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class BehaviorSpec {
        public RulesSpec scaleUp;
        public RulesSpec scaleDown;
    }

    /** The HPA's {@code HPAScalingRules}, plus its per-direction tolerance. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class RulesSpec {
        @JsonPropertyDescription("Seconds of recommendations to remember (0 to 3600).")
        @Min(0) @Max(3600)
        public Integer stabilizationWindowSeconds;
        @JsonPropertyDescription("Max, Min or Disabled.")
        @Pattern("^(Max|Min|Disabled)$")
        public String selectPolicy;
        public java.util.List<RatePolicySpec> policies;
        @JsonPropertyDescription("No change while the usage ratio is within this of 1 (default 0.1).")
        @Min(0)
        public Double tolerance;
    }

    /** The HPA's {@code HPAScalingPolicy}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class RatePolicySpec {
        @Required
        @JsonPropertyDescription("Pods or Percent.")
        @Pattern("^(Pods|Percent)$")
        public String type;
        @Required
        @Min(1)
        public Integer value;
        @Required
        @Min(1) @Max(1800)
        public Integer periodSeconds;
    }
}
