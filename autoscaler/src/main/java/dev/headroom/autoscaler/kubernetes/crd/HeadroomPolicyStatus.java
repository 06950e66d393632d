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

    /** The one condition type: the policy is valid, its target found and decisions are being made. */
    public static final String READY = "Ready";

    @JsonPropertyDescription("The policy generation this status describes.")
    public Long observedGeneration;
    @JsonPropertyDescription("The target's replicas when last decided.")
    public Integer currentReplicas;
    @JsonPropertyDescription("The replicas the last decision asked for.")
    public Integer desiredReplicas;
    public LastDecision lastDecision;
    public List<Condition> conditions = new ArrayList<>();

    /** The last decision and its reason. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class LastDecision {
        @JsonPropertyDescription("RFC 3339 time of the decision.")
        public String time;
        @JsonPropertyDescription("One of the decision reasons, e.g. SCALE_UP, HELD_MISSING_DATA.")
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
