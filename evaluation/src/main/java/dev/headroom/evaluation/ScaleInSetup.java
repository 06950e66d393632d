package dev.headroom.evaluation;

import dev.headroom.simulator.cluster.ClusterConfig;

import java.util.Locale;
import java.util.Objects;

/**
 * How replicas leave in an evaluation: how long one scaled away may keep serving what it holds (its pod's
 * termination grace period, with the drain recipe's preStop), and which replicas go.
 *
 * @param terminationGraceSeconds grace period; {@link ClusterConfig#UNBOUNDED_GRACE}: until it is done
 * @param victimOrder             whether Headroom's policies mark the emptiest replicas to go first
 */
public record ScaleInSetup(double terminationGraceSeconds, VictimOrder victimOrder) {

    /** Which replicas a scale-in removes. */
    public enum VictimOrder {
        /**
         * Headroom's policies set {@code pod-deletion-cost} from live load before a scale-in, as the controller does
         * in a cluster; the baselines (which set none) and the oracle keep Kubernetes' default order.
         */
        DRAIN_AWARE("drain-aware"),
        /** Kubernetes' default order for every policy: not ready first, then the most recently ready. */
        KUBERNETES_DEFAULT("default");

        private final String label;

        VictimOrder(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** {@code drain-aware} or {@code default}. */
        public static VictimOrder parse(String text) {
            for (VictimOrder o : values()) {
                if (o.label.equals(text.trim().toLowerCase(Locale.ROOT))) {
                    return o;
                }
            }
            throw new IllegalArgumentException("victim order must be drain-aware or default, was '" + text + "'");
        }
    }

    /** Replicas finish what they hold; Headroom's policies choose the emptiest. */
    public static final ScaleInSetup DEFAULTS = new ScaleInSetup(ClusterConfig.UNBOUNDED_GRACE, VictimOrder.DRAIN_AWARE);

    public ScaleInSetup {
        Objects.requireNonNull(victimOrder, "victimOrder");
        if (!(terminationGraceSeconds >= 0)) {
            throw new IllegalArgumentException("termination grace must be >= 0 seconds (or unbounded), was "
                    + terminationGraceSeconds);
        }
    }

    /**
     * The longest a request of {@code scenario} may take and still meet the SLO, the grace period that fits "one
     * request's longest generation": the TTFT objective plus the longest output's other tokens at the ITL objective.
     */
    public static double longestGenerationSeconds(Scenario scenario) {
        int longest = 1;
        for (dev.headroom.simulator.SimRequest r : scenario.requests()) {
            longest = Math.max(longest, r.outputTokens());
        }
        return scenario.slo().ttftSeconds() + (longest - 1) * scenario.slo().itlSeconds();
    }

    /** One line for the report. */
    public String describe() {
        String grace = Double.isInfinite(terminationGraceSeconds) ? "unbounded (a replica scaled away finishes what it"
                + " holds)" : String.format(Locale.ROOT, "%s s (then what a replica scaled away still holds fails)",
                number(terminationGraceSeconds));
        return "termination grace period " + grace + "; victims: " + (victimOrder == VictimOrder.DRAIN_AWARE
                ? "Headroom's policies mark the emptiest replicas (pod-deletion-cost), the others keep Kubernetes'"
                + " default order" : "Kubernetes' default order for every policy");
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
