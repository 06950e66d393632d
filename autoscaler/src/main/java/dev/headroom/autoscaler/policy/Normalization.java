package dev.headroom.autoscaler.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Stabilisation and rate limits, step for step as the HPA's {@code normalizeDesiredReplicasWithBehaviors}
 * ({@code pkg/controller/podautoscaler/horizontal.go}): first {@code stabilizeRecommendationWithBehaviors},
 * then {@code convertDesiredReplicasWithBehaviorRate} with {@code calculateScaleUpLimitWithScalingRules} and
 * {@code calculateScaleDownLimitWithBehaviors}. Time is the caller's {@code now}; nothing here reads a clock.
 */
final class Normalization {

    /** Recommendations and events kept per workload at most; at 1 Hz a 300 s window needs about 300. */
    static final int MAX_HISTORY = 4096;

    private Normalization() {
    }

    record TimedRecommendation(int replicas, Instant at) {
        TimedRecommendation {
            Objects.requireNonNull(at, "at");
        }
    }

    record ScaleEvent(int change, Instant at) {
        ScaleEvent {
            Objects.requireNonNull(at, "at");
            if (change <= 0) {
                throw new IllegalArgumentException("a scale event changes at least one replica, got " + change);
            }
        }
    }

    /**
     * {@code stabilizeRecommendationWithBehaviors}: the lowest recommendation within the scale-up window and
     * the highest within the scale-down window (both including {@code desired}) bound the current count; the
     * result is the current count brought within those bounds. {@code desired} is then remembered. Entries
     * older than both windows can never count again and are dropped (the HPA reuses one such slot instead).
     */
    static int stabilize(List<TimedRecommendation> history, Instant now, int current, int desired, Behavior behavior) {
        Instant upCutoff = now.minus(behavior.scaleUp().stabilizationWindow());
        Instant downCutoff = now.minus(behavior.scaleDown().stabilizationWindow());
        int upRecommendation = desired;
        int downRecommendation = desired;
        for (TimedRecommendation rec : history) {
            if (rec.at().isAfter(upCutoff)) {
                upRecommendation = Math.min(rec.replicas(), upRecommendation);
            }
            if (rec.at().isAfter(downCutoff)) {
                downRecommendation = Math.max(rec.replicas(), downRecommendation);
            }
        }
        int recommendation = current;
        if (recommendation < upRecommendation) {
            recommendation = upRecommendation;
        }
        if (recommendation > downRecommendation) {
            recommendation = downRecommendation;
        }
        history.removeIf(rec -> rec.at().isBefore(upCutoff) && rec.at().isBefore(downCutoff));
        history.add(new TimedRecommendation(desired, now));
        while (history.size() > MAX_HISTORY) {
            history.remove(0);
        }
        return recommendation;
    }

    /** The replicas after the rate and min/max limits, and the reason when a limit cut the request. */
    record Limited(int replicas, DecisionReason limitedBy) {
    }

    /** {@code convertDesiredReplicasWithBehaviorRate}. */
    static Limited limitByRate(int current, int desired, int minReplicas, int maxReplicas, List<ScaleEvent> upEvents,
                               List<ScaleEvent> downEvents, Behavior behavior, Instant now) {
        if (desired > current) {
            int scaleUpLimit = scaleUpLimit(current, upEvents, downEvents, behavior.scaleUp(), now);
            if (scaleUpLimit < current) {
                // No further scale-up until the recent scale-up events age out.
                scaleUpLimit = current;
            }
            int maximumAllowed = maxReplicas;
            DecisionReason reason = DecisionReason.AT_MAX;
            if (maximumAllowed > scaleUpLimit) {
                maximumAllowed = scaleUpLimit;
                reason = DecisionReason.LIMITED_BY_RATE;
            }
            if (desired > maximumAllowed) {
                return new Limited(maximumAllowed, reason);
            }
        } else if (desired < current) {
            int scaleDownLimit = scaleDownLimit(current, upEvents, downEvents, behavior.scaleDown(), now);
            if (scaleDownLimit > current) {
                // No further scale-down until the recent scale-down events age out.
                scaleDownLimit = current;
            }
            int minimumAllowed = minReplicas;
            DecisionReason reason = DecisionReason.AT_MIN;
            if (minimumAllowed < scaleDownLimit) {
                minimumAllowed = scaleDownLimit;
                reason = DecisionReason.LIMITED_BY_RATE;
            }
            if (desired < minimumAllowed) {
                return new Limited(minimumAllowed, reason);
            }
        }
        return new Limited(desired, null);
    }

    /** {@code calculateScaleUpLimitWithScalingRules}: the most replicas allowed now. */
    static int scaleUpLimit(int current, List<ScaleEvent> upEvents, List<ScaleEvent> downEvents, ScalingRules rules,
                            Instant now) {
        if (rules.selectPolicy() == SelectPolicy.DISABLED) {
            return current;
        }
        boolean min = rules.selectPolicy() == SelectPolicy.MIN;
        long result = min ? Integer.MAX_VALUE : Integer.MIN_VALUE;
        for (RatePolicy policy : rules.policies()) {
            long periodStart = (long) current - changeInPeriod(policy.period(), upEvents, now)
                    + changeInPeriod(policy.period(), downEvents, now);
            long proposed = policy.type() == RatePolicy.Type.PODS
                    ? periodStart + policy.value()
                    // Rounded up, or a small percentage of a small count would never add a pod.
                    : (long) Math.ceil(periodStart * (1 + policy.value() / 100.0));
            result = min ? Math.min(result, proposed) : Math.max(result, proposed);
        }
        return clamp(result);
    }

    /** {@code calculateScaleDownLimitWithBehaviors}: the fewest replicas allowed now. */
    static int scaleDownLimit(int current, List<ScaleEvent> upEvents, List<ScaleEvent> downEvents, ScalingRules rules,
                              Instant now) {
        if (rules.selectPolicy() == SelectPolicy.DISABLED) {
            return current;
        }
        boolean min = rules.selectPolicy() == SelectPolicy.MIN;
        // MIN selects the smallest change, which for a scale-down is the highest floor.
        long result = min ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        for (RatePolicy policy : rules.policies()) {
            long periodStart = (long) current - changeInPeriod(policy.period(), upEvents, now)
                    + changeInPeriod(policy.period(), downEvents, now);
            long proposed = policy.type() == RatePolicy.Type.PODS
                    ? periodStart - policy.value()
                    // Truncated toward zero, as Go's int32(float64) conversion.
                    : (long) (periodStart * (1 - policy.value() / 100.0));
            result = min ? Math.max(result, proposed) : Math.min(result, proposed);
        }
        return clamp(result);
    }

    /** {@code getReplicasChangePerPeriod}: replicas changed by the events strictly within the last period. */
    static int changeInPeriod(Duration period, List<ScaleEvent> events, Instant now) {
        Instant cutoff = now.minus(period);
        long change = 0;
        for (ScaleEvent e : events) {
            if (e.at().isAfter(cutoff)) {
                change += e.change();
            }
        }
        return clamp(change);
    }

    /** {@code storeScaleEvent}: remembers a change, dropping events older than the longest policy period. */
    static void store(List<ScaleEvent> events, int change, Duration longestPeriod, Instant now) {
        Instant cutoff = now.minus(longestPeriod);
        events.removeIf(e -> e.at().isBefore(cutoff));
        events.add(new ScaleEvent(change, now));
        while (events.size() > MAX_HISTORY) {
            events.remove(0);
        }
    }

    private static int clamp(long v) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }
}
