package dev.headroom.autoscaler.kubernetes.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the controller last saw and decided; written by the leader only. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HeadroomPolicyStatus {

    /**
     * The summing-up condition type, beside the HPA's {@code AbleToScale}, {@code ScalingActive} and
     * {@code ScalingLimited}: the policy is valid, its target found and decisions are being made.
     */
    public static final String READY = "Ready";

    @JsonPropertyDescription("The policy generation this status describes.")
    public Long observedGeneration;
    @JsonPropertyDescription("The target's replicas when last decided.")
    public Integer currentReplicas;
    @JsonPropertyDescription("The replicas the last decision asked for.")
    public Integer desiredReplicas;
    public LastDecision lastDecision;
    @JsonPropertyDescription("With spec.slo: the per-replica load at which the SLO is just met, as last learned.")
    public LearnedCapacity learnedCapacity;
    @JsonPropertyDescription("The HPA's AbleToScale, ScalingActive and ScalingLimited, with the HPA's reasons "
            + "(e.g. SucceededRescale, FailedGetScale, ValidMetricFound, InvalidSelector, TooManyReplicas, "
            + "DesiredWithinRange), and Ready, which sums them up.")
    public List<Condition> conditions = new ArrayList<>();

    /** The learned SLO capacity and its evidence (the policy's {@code LearnedCapacity}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class LearnedCapacity {
        @JsonPropertyDescription("Requests/s one replica serves within the SLO for the current mix.")
        public Double requestsPerSecondPerReplica;
        @JsonPropertyDescription("The arrivals_ps target it sets (a share of the capacity).")
        public Double target;
        @JsonPropertyDescription("The SLO term that binds: ITL, TTFT, Saturation (the replica's own batch or KV "
                + "limit, reached), KVCache (the KV cache would fill, read from its use) or Evidence (capped a "
                + "bounded step beyond the load seen).")
        public String binding;
        @JsonPropertyDescription("Confident (votes both ways) or Provisional (may only ask for more replicas).")
        public String confidence;
        @JsonPropertyDescription("Samples the fit used.")
        public Integer samples;
        @JsonPropertyDescription("The highest per-replica arrival rate among them.")
        public Double loadSeen;
        @JsonPropertyDescription("The mix it is for: mean prompt tokens.")
        public Double promptTokens;
        @JsonPropertyDescription("The mix it is for: mean output tokens.")
        public Double outputTokens;

        @Override
        public boolean equals(Object o) {
            return o instanceof LearnedCapacity c && Objects.equals(requestsPerSecondPerReplica,
                    c.requestsPerSecondPerReplica) && Objects.equals(target, c.target)
                    && Objects.equals(binding, c.binding) && Objects.equals(confidence, c.confidence)
                    && Objects.equals(samples, c.samples) && Objects.equals(loadSeen, c.loadSeen)
                    && Objects.equals(promptTokens, c.promptTokens) && Objects.equals(outputTokens, c.outputTokens);
        }

        @Override
        public int hashCode() {
            return Objects.hash(requestsPerSecondPerReplica, target, binding, confidence, samples, loadSeen,
                    promptTokens, outputTokens);
        }
    }

    /** The last decision and its reason. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class LastDecision {
        @JsonPropertyDescription("RFC 3339 time of the decision.")
        public String time;
        @JsonPropertyDescription("One of the decision reasons, e.g. ScaleUp, HeldMissingData, AtMax.")
        public String reason;
        @JsonPropertyDescription("The signal that set the recommendation, when one did.")
        public String dominantSignal;
        public String message;
        @JsonPropertyDescription("Whether the replica count was changed on this decision.")
        public Boolean acted;

        @Override
        public boolean equals(Object o) {
            return o instanceof LastDecision d && Objects.equals(time, d.time) && Objects.equals(reason, d.reason)
                    && Objects.equals(dominantSignal, d.dominantSignal) && Objects.equals(message, d.message)
                    && Objects.equals(acted, d.acted);
        }

        @Override
        public int hashCode() {
            return Objects.hash(time, reason, dominantSignal, message, acted);
        }
    }
}
