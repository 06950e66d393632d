package dev.headroom.autoscaler.policy;

import java.util.Objects;

/** Rules for each direction: the HPA's {@code HorizontalPodAutoscalerBehavior}. */
public record Behavior(ScalingRules scaleUp, ScalingRules scaleDown) {

    private static final Behavior DEFAULTS = new Behavior(ScalingRules.defaultScaleUp(), ScalingRules.defaultScaleDown());

    public Behavior {
        Objects.requireNonNull(scaleUp, "scaleUp");
        Objects.requireNonNull(scaleDown, "scaleDown");
    }

    /** The HPA's defaults in both directions. */
    public static Behavior defaults() {
        return DEFAULTS;
    }

    /** The usage ratio asks for no change: {@code 1 − down ≤ ratio ≤ 1 + up} ({@code Tolerances.isWithin}). */
    boolean withinTolerance(double ratio) {
        return (1.0 - scaleDown.tolerance()) <= ratio && ratio <= (1.0 + scaleUp.tolerance());
    }
}
