package dev.headroom.evaluation;

import dev.headroom.autoscaler.policy.Behavior;
import dev.headroom.autoscaler.policy.LoadForecast;
import dev.headroom.autoscaler.policy.PolicySpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Changes to the evaluated {@code headroom} policy, so that a user can replay their trace against Headroom set
 * up their way, and so that each part of the documented set-up can be weighed by taking it away.
 *
 * @param targets          target overrides by signal key, applied on top ({@code none} removes one)
 * @param leadTime         the forecast's lead time in place of cold start + one interval (0 turns it off)
 * @param trendWindow      the forecast's trend window in place of {@link LoadForecast#DEFAULT_TREND_WINDOW}
 * @param scaleDownWindow  the scale-down stabilisation window in place of the lead time
 */
public record HeadroomOverrides(Map<String, String> targets, Optional<Duration> leadTime,
                                Optional<Duration> trendWindow, Optional<Duration> scaleDownWindow) {

    /** Headroom as {@code policy.md} sets it up. */
    public static final HeadroomOverrides NONE = new HeadroomOverrides(Map.of(), Optional.empty(), Optional.empty(),
            Optional.empty());

    public HeadroomOverrides {
        targets = Map.copyOf(Objects.requireNonNull(targets, "targets"));
        Objects.requireNonNull(leadTime, "leadTime");
        Objects.requireNonNull(trendWindow, "trendWindow");
        Objects.requireNonNull(scaleDownWindow, "scaleDownWindow");
    }

    public boolean isEmpty() {
        return targets.isEmpty() && leadTime.isEmpty() && trendWindow.isEmpty() && scaleDownWindow.isEmpty();
    }

    /**
     * {@code spec} with these changes.
     *
     * @throws dev.headroom.signals.InvalidTargetsException naming every bad target
     * @throws IllegalArgumentException                                 for a lead time or window out of range
     */
    PolicySpec applyTo(PolicySpec spec) {
        PolicySpec s = spec.withTargets(spec.targets().overriddenBy(targets));
        if (leadTime.isPresent() || trendWindow.isPresent()) {
            s = s.withForecast(new LoadForecast(leadTime.orElse(s.forecast().leadTime()),
                    trendWindow.orElse(s.forecast().trendWindow())));
        }
        if (scaleDownWindow.isPresent()) {
            Behavior b = s.behavior();
            s = s.withBehavior(new Behavior(b.scaleUp(), b.scaleDown().withStabilizationWindow(scaleDownWindow.get())));
        }
        return s;
    }

    /** One line for the report, e.g. {@code itl_p95=0.1, scale-down window 300 s}. */
    String describe() {
        List<String> parts = new ArrayList<>();
        new TreeMap<>(targets).forEach((k, v) -> parts.add(k + "=" + v));
        leadTime.ifPresent(d -> parts.add("forecast lead " + d.toSeconds() + " s"));
        trendWindow.ifPresent(d -> parts.add("trend window " + d.toSeconds() + " s"));
        scaleDownWindow.ifPresent(d -> parts.add("scale-down window " + d.toSeconds() + " s"));
        return String.join(", ", parts);
    }
}
