package dev.headroom.autoscaler.policy;

import dev.headroom.autoscaler.policy.LoadHistory.Point;
import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.headroom.autoscaler.policy.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link BurstRule} on its own: a scale-down vetoed while the load's own history says a burst comes back. */
class BurstRuleTest {

    /** 10 requests/s per replica; no forecast, so the cold start is assumed until one is seen. */
    private static final PolicySpec RATE = PolicySpec.of(1, 20).withTargets(new SaturationTargets(Map.of(
            Signal.ARRIVALS_PS, 10.0)));

    private final BurstRule rule = new BurstRule();
    private final BurstRule.History state = rule.newState();
    private Instant now = T0;

    private SignalInput decide(PolicySpec spec, int current, double arrivalsTotal, int notReady) {
        WorkloadSnapshot snapshot = Fixtures.snapshot(now, Signal.ARRIVALS_PS, 0, notReady,
                perPod(current - notReady, arrivalsTotal));
        RuleContext context = new RuleContext(spec, snapshot, current, now);
        List<SignalInput> inputs = new ArrayList<>();
        spec.targets().targets().forEach((signal, target) -> inputs.add(context.evaluate(signal, target)));
        rule.apply(context, state, inputs);
        now = now.plusSeconds(15);
        return inputs.get(0);
    }

    private static double[] perPod(int pods, double total) {
        double[] v = new double[pods];
        java.util.Arrays.fill(v, total / pods);
        return v;
    }

    /** 60 req/s for 45 s, then 5 req/s for 75 s: a two-minute cycle against a 120 s (assumed) cold start. */
    private static double burst(int t) {
        return (t % 8) < 3 ? 60 : 5;
    }

    @Test
    void inTheTroughOfARecurringBurstTheReplicasItNeedsAreKept() {
        SignalInput last = null;
        for (int t = 0; t < 8 * 6 + 7; t++) {
            last = decide(RATE, 6, burst(t), 0);
        }
        // The last decision is deep in a trough, 75 s after the burst: the reading alone asks for 1.
        assertThat(last.outcome()).isEqualTo(SignalOutcome.HELD_FOR_BURST);
        assertThat(last.proposedReplicas()).hasValue(6);
        assertThat(BurstRule.period(stateSeries())).isBetween(110.0, 130.0);
    }

    @Test
    void aSlowLoadIsLetGoOnceItsPeakIsOlderThanAColdStartAndAnInterval() {
        SignalInput last = null;
        for (int t = 0; t < 60; t++) {
            last = decide(RATE, 6, t < 20 ? 60 : 5, 0);
        }
        assertThat(last.outcome()).isNotEqualTo(SignalOutcome.HELD_FOR_BURST);
        assertThat(last.proposedReplicas()).hasValue(1);
    }

    @Test
    void theHoldNeverAsksForMoreThanTheCurrentCountAndOneSpikeHoldsNothing() {
        for (int t = 0; t < 20; t++) {
            decide(RATE, 3, 20, 0);
        }
        decide(RATE, 3, 1e5, 0);
        SignalInput after = null;
        for (int t = 0; t < 3; t++) {
            after = decide(RATE, 3, 5, 0);
        }
        assertThat(after.proposedReplicas().getAsInt()).isLessThanOrEqualTo(3);
        assertThat(after.proposedReplicas()).hasValue(2);
    }

    @Test
    void theColdStartIsLearnedFromHowLongNewPodsStayNotReady() {
        PolicySpec spec = RATE;
        assertThat(state.horizonSeconds(spec)).isEqualTo(BurstRule.DEFAULT_COLD_START.toSeconds());
        decide(spec, 4, 40, 0);
        for (int t = 0; t < 4; t++) {
            decide(spec, 6, 40, 2); // two pods loading for 60 s
        }
        decide(spec, 6, 40, 0);
        assertThat(state.horizonSeconds(spec)).isEqualTo(60 + 15);
        assertThat(state.horizonSeconds(spec.withForecast(LoadForecast.ahead(Duration.ofSeconds(300)))))
                .as("what was seen outweighs the spec's lead time").isEqualTo(75);
    }

    private java.util.ArrayDeque<Point> stateSeries() {
        return state.series(Signal.ARRIVALS_PS);
    }
}
