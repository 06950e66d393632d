package dev.headroom.autoscaler.policy;

import dev.headroom.signals.SaturationTargets;

import java.util.Objects;
import java.util.Optional;

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
 * @param slo         the service-level objective, when the spec gives one: {@link SloCapacityRule} then learns
 *                    the per-replica load at which it is just met (unless an {@code arrivals_ps} target is set by
 *                    hand); the latency targets are usually derived from it ({@link #forSlo})
 */
public record PolicySpec(int minReplicas, int maxReplicas, SaturationTargets targets, Behavior behavior,
                         ScaleDownVoting scaleDownVoting, LoadForecast forecast, Optional<SloSpec> slo) {

    public PolicySpec {
        Objects.requireNonNull(targets, "targets");
        Objects.requireNonNull(behavior, "behavior");
        Objects.requireNonNull(scaleDownVoting, "scaleDownVoting");
        Objects.requireNonNull(forecast, "forecast");
        Objects.requireNonNull(slo, "slo");
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

    /** No SLO. */
    public PolicySpec(int minReplicas, int maxReplicas, SaturationTargets targets, Behavior behavior,
                      ScaleDownVoting scaleDownVoting, LoadForecast forecast) {
        this(minReplicas, maxReplicas, targets, behavior, scaleDownVoting, forecast, Optional.empty());
    }

    /** Headroom's scale-down voting ({@link ScaleDownVoting#LOAD_SIGNALS}), no forecast. */
    public PolicySpec(int minReplicas, int maxReplicas, SaturationTargets targets, Behavior behavior) {
        this(minReplicas, maxReplicas, targets, behavior, ScaleDownVoting.LOAD_SIGNALS, LoadForecast.OFF);
    }

    /** {@code min}..{@code max} replicas, the default targets and the HPA's default behaviour. */
    public static PolicySpec of(int minReplicas, int maxReplicas) {
        return new PolicySpec(minReplicas, maxReplicas, SaturationTargets.defaults(), Behavior.defaults());
    }

    /**
     * {@code min}..{@code max} replicas scaled for {@code slo} alone: its latency alarms ({@link SloSpec#targets()}),
     * the learned SLO capacity, the HPA's default behaviour.
     */
    public static PolicySpec forSlo(int minReplicas, int maxReplicas, SloSpec slo) {
        return of(minReplicas, maxReplicas).withTargets(slo.targets()).withSlo(slo);
    }

    /** The same spec with {@code objective} as its SLO (the targets are left as they are). */
    public PolicySpec withSlo(SloSpec objective) {
        return new PolicySpec(minReplicas, maxReplicas, targets, behavior, scaleDownVoting, forecast,
                Optional.of(objective));
    }

    public PolicySpec withTargets(SaturationTargets newTargets) {
        return new PolicySpec(minReplicas, maxReplicas, newTargets, behavior, scaleDownVoting, forecast, slo);
    }

    public PolicySpec withBehavior(Behavior newBehavior) {
        return new PolicySpec(minReplicas, maxReplicas, targets, newBehavior, scaleDownVoting, forecast, slo);
    }

    /** The same spec with {@code voting} deciding which signals may vote for fewer replicas. */
    public PolicySpec withScaleDownVoting(ScaleDownVoting voting) {
        return new PolicySpec(minReplicas, maxReplicas, targets, behavior, voting, forecast, slo);
    }

    /** The same spec with the load signals carried ahead by {@code newForecast}. */
    public PolicySpec withForecast(LoadForecast newForecast) {
        return new PolicySpec(minReplicas, maxReplicas, targets, behavior, scaleDownVoting, newForecast, slo);
    }
}
