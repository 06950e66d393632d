package dev.headroom.autoscaler.kubernetes.crd;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Optional;

/**
 * {@code spec.scaleDownVoting}: which signals may vote for fewer replicas. Read into the policy's
 * {@code ScaleDownVoting} by {@code PolicySpecs}.
 */
public enum ScaleDownVotingRule {
    /**
     * Headroom's default: alarm signals (queue, latencies, preemptions) vote only up, one step at a time; only load
     * signals (KV utilisation, running requests, rates) vote for fewer replicas.
     */
    @JsonProperty("LoadSignals")
    LOAD_SIGNALS("LoadSignals"),
    /** The HPA's rule: every signal votes both ways with the HPA's arithmetic. */
    @JsonProperty("EverySignal")
    EVERY_SIGNAL("EverySignal");

    private final String value;

    ScaleDownVotingRule(String value) {
        this.value = value;
    }

    /** The name in the resource, e.g. {@code LoadSignals}. */
    public String value() {
        return value;
    }

    /** The rule named {@code value} exactly, empty for anything else. */
    public static Optional<ScaleDownVotingRule> fromValue(String value) {
        for (ScaleDownVotingRule r : values()) {
            if (r.value.equals(value)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
