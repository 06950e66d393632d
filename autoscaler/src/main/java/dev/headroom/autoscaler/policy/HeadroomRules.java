package dev.headroom.autoscaler.policy;

import java.util.List;

/**
 * Headroom's rules beside the HPA core, in the order they apply: {@link AlarmRule} (alarm signals vote only
 * up, by the measured demand or one step), {@link LearnedRateRule} (an {@code arrivals_ps} target learned
 * when an alarm fires), {@link ForecastRule} (summed load signals carried one lead time ahead). The order
 * matters: the learned target reads the alarms and is itself forecast. Each rule acts only where the
 * {@link PolicySpec} asks for it ({@link ScaleDownVoting#LOAD_SIGNALS}, no {@code arrivals_ps} target, a
 * {@link LoadForecast} with a lead time), so under the HPA's voting with no forecast the policy is the HPA's.
 */
public final class HeadroomRules {

    private static final List<PolicyRule<?>> DEFAULTS = List.of(new AlarmRule(), new LearnedRateRule(),
            new ForecastRule());

    private HeadroomRules() {
    }

    /** The default rules, in order; immutable, and shareable between policies (the rules keep no state). */
    public static List<PolicyRule<?>> defaults() {
        return DEFAULTS;
    }
}
