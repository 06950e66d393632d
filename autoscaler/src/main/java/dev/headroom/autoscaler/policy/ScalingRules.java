package dev.headroom.autoscaler.policy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How one direction (up or down) may scale: the HPA's {@code HPAScalingRules} plus its per-direction tolerance.
 *
 * <p>Defaults, as {@code pkg/apis/autoscaling/v2/defaults.go}: scale-up — no stabilisation, at most
 * max(4 pods, 100 %) per 15 s; scale-down — 300 s stabilisation, at most 100 % per 15 s; both select the
 * policy allowing the largest change; tolerance 0.1.
 *
 * @param stabilizationWindow how far back recommendations are remembered (0 to 1 h)
 * @param selectPolicy        which policy wins
 * @param policies            the rate policies; at least one unless {@link SelectPolicy#DISABLED}
 * @param tolerance           no change while the usage ratio is within this of 1 on this side (≥ 0)
 */
public record ScalingRules(Duration stabilizationWindow, SelectPolicy selectPolicy, List<RatePolicy> policies,
                           double tolerance) {

    /** The HPA's default tolerance. */
    public static final double DEFAULT_TOLERANCE = 0.1;
    /** The HPA's longest stabilisation window. */
    public static final Duration MAX_WINDOW = Duration.ofHours(1);

    private static final Duration FIFTEEN_SECONDS = Duration.ofSeconds(15);
    private static final ScalingRules DEFAULT_UP = new ScalingRules(Duration.ZERO, SelectPolicy.MAX,
            List.of(RatePolicy.pods(4, FIFTEEN_SECONDS), RatePolicy.percent(100, FIFTEEN_SECONDS)), DEFAULT_TOLERANCE);
    private static final ScalingRules DEFAULT_DOWN = new ScalingRules(Duration.ofSeconds(300), SelectPolicy.MAX,
            List.of(RatePolicy.percent(100, FIFTEEN_SECONDS)), DEFAULT_TOLERANCE);

    public ScalingRules {
        Objects.requireNonNull(stabilizationWindow, "stabilizationWindow");
        Objects.requireNonNull(selectPolicy, "selectPolicy");
        Objects.requireNonNull(policies, "policies");
        policies = List.copyOf(policies);
        if (stabilizationWindow.isNegative() || stabilizationWindow.compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("stabilisation window must be 0 to 3600 s, got " + stabilizationWindow);
        }
        if (policies.isEmpty() && selectPolicy != SelectPolicy.DISABLED) {
            throw new IllegalArgumentException("at least one rate policy is needed unless selectPolicy is DISABLED");
        }
        if (!Double.isFinite(tolerance) || tolerance < 0) {
            throw new IllegalArgumentException("tolerance must be a finite number ≥ 0, got " + tolerance);
        }
    }

    /** Scale-up defaults: window 0 s, max(4 pods, 100 %) per 15 s, tolerance 0.1. */
    public static ScalingRules defaultScaleUp() {
        return DEFAULT_UP;
    }

    /** Scale-down defaults: window 300 s, 100 % per 15 s, tolerance 0.1. */
    public static ScalingRules defaultScaleDown() {
        return DEFAULT_DOWN;
    }

    public ScalingRules withStabilizationWindow(Duration window) {
        return new ScalingRules(window, selectPolicy, policies, tolerance);
    }

    public ScalingRules withPolicies(SelectPolicy select, List<RatePolicy> newPolicies) {
        return new ScalingRules(stabilizationWindow, select, newPolicies, tolerance);
    }

    public ScalingRules withTolerance(double newTolerance) {
        return new ScalingRules(stabilizationWindow, selectPolicy, policies, newTolerance);
    }

    /** The longest policy period; zero when there is none. */
    Duration longestPeriod() {
        Duration longest = Duration.ZERO;
        for (RatePolicy p : policies) {
            if (p.period().compareTo(longest) > 0) {
                longest = p.period();
            }
        }
        return longest;
    }
}
