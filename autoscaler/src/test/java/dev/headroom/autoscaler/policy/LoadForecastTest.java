package dev.headroom.autoscaler.policy;

import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static dev.headroom.autoscaler.policy.Fixtures.T0;
import static dev.headroom.autoscaler.policy.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** {@link LoadForecast}: summed load signals carried one lead time ahead along their recent trend. */
class LoadForecastTest {

    private static final Duration LEAD = Duration.ofSeconds(105);
    private static final Duration STEP = Duration.ofSeconds(15);

    private final Fixtures.ManualClock clock = new Fixtures.ManualClock(T0);
    private final HpaCompatiblePolicy policy = new HpaCompatiblePolicy(clock);

    /** Requests/s, target 10 per replica, 1 to 20 replicas, a forecast {@code lead} ahead over 300 s. */
    private static PolicySpec rate(Duration lead) {
        return PolicySpec.of(1, 20).withTargets(new SaturationTargets(Map.of(Signal.REQUESTS_PS, 10.0)))
                .withForecast(LoadForecast.ahead(lead));
    }

    /** Four pods sharing {@code total} requests/s equally at the clock's instant. */
    private WorkloadSnapshot fourPods(double total) {
        double each = total / 4;
        return snapshot(clock.instant(), Signal.REQUESTS_PS, 0, 0, each, each, each, each);
    }

    /**
     * Decides every 15 s on 4 replicas while the total grows from 20 req/s by {@code perSecond} each second,
     * up to and including {@code seconds}; returns the last decision.
     */
    private ScalingDecision ramp(PolicySpec spec, double perSecond, int seconds) {
        ScalingDecision last = null;
        for (int t = 0; t <= seconds; t += 15) {
            last = policy.decide("w", spec, 4, fourPods(20 + perSecond * t));
            if (t < seconds) {
                clock.advance(STEP);
            }
        }
        return last;
    }

    @Test
    void aRisingLoadIsMetOneLeadTimeAheadOnceTheTrendSpansHalfItsWindow() {
        PolicySpec spec = rate(LEAD);
        // 0.1 req/s per second: at 135 s the reading is 33.5 (8.4 per replica, within the tolerance of 10 at 4
        // replicas) and the readings span less than half of the 300 s window: no forecast yet.
        ScalingDecision early = ramp(spec, 0.1, 135);
        assertThat(early.desired()).isEqualTo(4);
        assertThat(early.input(Signal.REQUESTS_PS).orElseThrow().outcome()).isNotEqualTo(SignalOutcome.FORECAST);

        clock.advance(STEP);
        ScalingDecision d = policy.decide("w", spec, 4, fourPods(35));
        SignalInput input = d.input(Signal.REQUESTS_PS).orElseThrow();
        // The line through 20 + 0.1 t reaches 45.5 at 150 + 105 s: ceil(45.5 / (10 × 1.1)) = 5.
        assertThat(input.outcome()).isEqualTo(SignalOutcome.FORECAST);
        assertThat(input.forecast().orElseThrow()).isCloseTo(45.5, within(1e-9));
        assertThat(input.proposedReplicas()).hasValue(5);
        assertThat(d.desired()).isEqualTo(5);
        assertThat(d.reason()).isEqualTo(DecisionReason.SCALE_UP);
        assertThat(d.message()).contains("its trend reaches 45.50 in all, 105 s ahead");
    }

    @Test
    void withoutALeadTimeTheSameRampWaitsForTheReading() {
        ramp(rate(Duration.ZERO), 0.1, 135);
        clock.advance(STEP);
        ScalingDecision d = policy.decide("w", rate(Duration.ZERO), 4, fourPods(35));
        assertThat(d.desired()).isEqualTo(4);
        assertThat(d.input(Signal.REQUESTS_PS).orElseThrow().forecast()).isEmpty();
    }

    @Test
    void aFlatOrFallingLoadAddsNothing() {
        ScalingDecision flat = ramp(rate(LEAD), 0.0, 300);
        assertThat(flat.input(Signal.REQUESTS_PS).orElseThrow().outcome()).isNotEqualTo(SignalOutcome.FORECAST);
        assertThat(flat.input(Signal.REQUESTS_PS).orElseThrow().forecast()).isEmpty();
        HpaCompatiblePolicy other = new HpaCompatiblePolicy(clock);
        ScalingDecision falling = null;
        for (int t = 0; t <= 300; t += 15) {
            falling = other.decide("w", rate(LEAD), 4, fourPods(36 - 0.02 * t));
            clock.advance(STEP);
        }
        assertThat(falling.input(Signal.REQUESTS_PS).orElseThrow().outcome()).isNotEqualTo(SignalOutcome.FORECAST);
    }

    @Test
    void readingsWithAPodMissingDoNotJoinTheTrend() {
        PolicySpec spec = rate(LEAD);
        ScalingDecision last = null;
        for (int t = 0; t <= 300; t += 15) {
            double each = (20 + 0.1 * t) / 3;
            // Three of four ready pods report: their sum is not the workload's load.
            last = policy.decide("w", spec, 4, snapshot(clock.instant(), Signal.REQUESTS_PS, 1, 0, each, each, each));
            clock.advance(STEP);
        }
        assertThat(last.input(Signal.REQUESTS_PS).orElseThrow().outcome()).isNotEqualTo(SignalOutcome.FORECAST);
    }

    @Test
    void aMeanIsNotForecast() {
        PolicySpec kv = PolicySpec.of(1, 20).withTargets(new SaturationTargets(Map.of(Signal.KV_UTILIZATION, 0.8)))
                .withForecast(LoadForecast.ahead(LEAD));
        ScalingDecision last = null;
        for (int t = 0; t <= 300; t += 15) {
            double kvEach = 0.5 + 0.001 * t;
            last = policy.decide("w", kv, 4, snapshot(clock.instant(), Signal.KV_UTILIZATION, 0, 0, kvEach, kvEach,
                    kvEach, kvEach));
            clock.advance(STEP);
        }
        assertThat(last.input(Signal.KV_UTILIZATION).orElseThrow().forecast()).isEmpty();
    }

    @Test
    void oldReadingsLeaveTheWindow() {
        PolicySpec spec = rate(LEAD);
        // A steep ramp long ago, then 10 minutes flat: only the flat part is within the 300 s window.
        ramp(spec, 0.5, 150);
        ScalingDecision flat = null;
        for (int i = 0; i < 40; i++) {
            clock.advance(STEP);
            flat = policy.decide("w", spec, 4, fourPods(95));
        }
        assertThat(flat.input(Signal.REQUESTS_PS).orElseThrow().outcome()).isNotEqualTo(SignalOutcome.FORECAST);
    }

    @Test
    void badLeadTimesAndWindowsAreRefusedByName() {
        assertThat(LoadForecast.OFF.enabled()).isFalse();
        assertThat(LoadForecast.ahead(LEAD).enabled()).isTrue();
        assertThat(LoadForecast.ahead(LEAD).trendWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(PolicySpec.of(1, 2).forecast()).isEqualTo(LoadForecast.OFF);
        assertThatThrownBy(() -> LoadForecast.ahead(Duration.ofSeconds(-1))).hasMessageContaining("lead time");
        assertThatThrownBy(() -> LoadForecast.ahead(Duration.ofHours(2))).hasMessageContaining("lead time");
        assertThatThrownBy(() -> new LoadForecast(LEAD, Duration.ofSeconds(10))).hasMessageContaining("trend window");
    }
}
