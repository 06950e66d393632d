package dev.headroom.autoscaler.loop;

import dev.headroom.autoscaler.policy.ScalingDecision;

import java.util.Objects;
import java.util.Optional;

/**
 * What one {@link DecisionLoop} round decided and did.
 *
 * @param decision    the policy's decision, with every signal's inputs
 * @param acted       whether the count changed in this round ({@code from ≠ to})
 * @param from        the count before: what the actuator read just before its write, else the current count
 *                    the round was given
 * @param to          the count after as far as this round knows: the one written, else {@code from}
 * @param actionError why the scale failed, when it did (after the actuator's retries); nothing was recorded
 * @param scaleIn     for a round that scaled in (or tried to), which replicas were marked to go first and why
 */
public record LoopOutcome(ScalingDecision decision, boolean acted, int from, int to, Optional<String> actionError,
                          Optional<ScaleInMarks> scaleIn) {

    public LoopOutcome {
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(actionError, "actionError");
        Objects.requireNonNull(scaleIn, "scaleIn");
        if (from < 0 || to < 0) {
            throw new IllegalArgumentException("replica counts cannot be negative, got " + from + " → " + to);
        }
        if (acted != (from != to)) {
            throw new IllegalArgumentException("acted is " + acted + " but the count went " + from + " → " + to);
        }
        if (acted && actionError.isPresent()) {
            throw new IllegalArgumentException("a round that failed to scale did not act: " + actionError.get());
        }
    }

    /** A round without a scale-in to mark. */
    public LoopOutcome(ScalingDecision decision, boolean acted, int from, int to, Optional<String> actionError) {
        this(decision, acted, from, to, actionError, Optional.empty());
    }

    /** A round that wrote nothing: not acting, or a decision that keeps {@code current}. */
    static LoopOutcome unchanged(ScalingDecision decision, int current) {
        return new LoopOutcome(decision, false, current, current, Optional.empty());
    }

    /** The replica count the policy asks for. */
    public int desired() {
        return decision.desired();
    }
}
