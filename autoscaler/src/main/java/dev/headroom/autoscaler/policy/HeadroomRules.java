package dev.headroom.autoscaler.policy;

import java.util.List;

/**
 * Headroom's rules beside the HPA core, in the order they apply: {@link AlarmRule} (alarm signals vote only
 * up, by the measured demand or one step), {@link LearnedRateRule} (an {@code arrivals_ps} target learned
 * when an alarm fires, without an SLO), {@link SloCapacityRule} (an {@code arrivals_ps} target learned as the
 * load at which the spec's SLO is just met), {@link ForecastRule} (summed load signals carried one lead time
 * ahead), {@link RiseReserveRule} (capacity kept for the rise the load has shown within a cold start),
 * {@link BurstRule} (no scale-down below what the load's recent peak needs, over a horizon learned from
 * its cold starts and burst period). The order matters: the learned targets read the alarms and are themselves
 * forecast and held. Each rule acts only where the
 * {@link PolicySpec} asks for it ({@link ScaleDownVoting#LOAD_SIGNALS}, no {@code arrivals_ps} target, a
 * {@link LoadForecast} with a lead time), so under the HPA's voting with no forecast the policy is the HPA's.
 */
public final class HeadroomRules {

    private static final List<PolicyRule<?>> DEFAULTS = List.of(new AlarmRule(), new LearnedRateRule(),
            new SloCapacityRule(), new ForecastRule(), new RiseReserveRule(), new BurstRule());

    private HeadroomRules() {
    }

    /** The default rules, in order; immutable, and shareable between policies (the rules keep no state). */
    public static List<PolicyRule<?>> defaults() {
        return DEFAULTS;
    }
}
