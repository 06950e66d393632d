package dev.headroom.autoscaler.policy;

import dev.headroom.signals.SaturationTargets;

import java.util.Objects;

/**
 * What one workload's scaling is bounded by: replica limits, a per-replica target per signal, and behaviour.
 *
 * @param minReplicas the fewest replicas (0 allowed, as the HPA with {@code HPAScaleToZero}; Headroom itself
 *                    holds at zero, since no pod is left to report)
 * @param maxReplicas the most replicas; at least 1 and at least {@code minReplicas}
 * @param targets     per signal, the value one replica should run at (at least one signal)
 * @param behavior    stabilisation, rate policies and tolerance per direction
 * @param scaleDownVoting which signals may vote for fewer replicas ({@link ScaleDownVoting#LOAD_SIGNALS} unless
 *                    set: alarm signals such as the queue vote only up, one step at a time)
 * @param forecast    how far ahead the load signals are carried ({@link LoadForecast#OFF} unless set)
 */
public record PolicySpec(int minReplicas, int maxReplicas, SaturationTargets targets, Behavior behavior,
                         ScaleDownVoting scaleDownVoting, LoadForecast forecast) {

    public PolicySpec {
        Objects.requireNonNull(targets, "targets");
        Objects.requireNonNull(behavior, "behavior");
        Objects.requireNonNull(scaleDownVoting, "scaleDownVoting");
        Objects.requireNonNull(forecast, "forecast");
        if (minReplicas < 0) {
            throw new IllegalArgumentException("minReplicas must be ≥ 0, got " + minReplicas);
        }
        if (maxReplicas < 1 || maxReplicas < minReplicas) {
            throw new IllegalArgumentException("maxReplicas must be ≥ 1 and ≥ minReplicas (" + minReplicas + "), got "
                    + maxReplicas);
        }
        if (targets.targets().isEmpty()) {
            throw new IllegalArgumentException("a scaling policy needs a target for at least one signal");
        }
    }

    /** Headroom's scale-down voting ({@link ScaleDownVoting#LOAD_SIGNALS}), no forecast. */
    public PolicySpec(int minReplicas, int maxReplicas, SaturationTargets targets, Behavior behavior) {
        this(minReplicas, maxReplicas, targets, behavior, ScaleDownVoting.LOAD_SIGNALS, LoadForecast.OFF);
    }

    /** {@code min}..{@code max} replicas, the default targets and the HPA's default behaviour. */
    public static PolicySpec of(int minReplicas, int maxReplicas) {
        return new PolicySpec(minReplicas, maxReplicas, SaturationTargets.defaults(), Behavior.defaults());
    }

    public PolicySpec withTargets(SaturationTargets newTargets) {
        return new PolicySpec(minReplicas, maxReplicas, newTargets, behavior, scaleDownVoting, forecast);
    }

    public PolicySpec withBehavior(Behavior newBehavior) {
        return new PolicySpec(minReplicas, maxReplicas, targets, newBehavior, scaleDownVoting, forecast);
    }

    /** The same spec with {@code voting} deciding which signals may vote for fewer replicas. */
    public PolicySpec withScaleDownVoting(ScaleDownVoting voting) {
        return new PolicySpec(minReplicas, maxReplicas, targets, behavior, voting, forecast);
    }

    /** The same spec with the load signals carried ahead by {@code newForecast}. */
    public PolicySpec withForecast(LoadForecast newForecast) {
        return new PolicySpec(minReplicas, maxReplicas, targets, behavior, scaleDownVoting, newForecast);
    }
}
