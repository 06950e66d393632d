package dev.headroom.autoscaler.policy;

import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

import static dev.headroom.autoscaler.policy.Fixtures.T0;
import static dev.headroom.autoscaler.policy.Fixtures.fresh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@link ForecastRule} on its own: one workload's trends, fed a ramp every 15 s. */
class ForecastRuleTest {

    private static final Map<Signal, Double> TARGETS = Map.of(Signal.REQUESTS_PS, 10.0, Signal.KV_UTILIZATION, 0.8,
            Signal.QUEUE, 4.0);
    private static final PolicySpec AHEAD = PolicySpec.of(1, 20).withTargets(new SaturationTargets(TARGETS))
            .withForecast(LoadForecast.ahead(Duration.ofSeconds(105)))
            .withScaleDownVoting(ScaleDownVoting.EVERY_SIGNAL);

    private final ForecastRule rule = new ForecastRule();
    private final LoadTrends trends = rule.newState();

    /** Four pods sharing {@code total} req/s, with a KV utilisation and a queue that rise with it. */
    private static WorkloadSnapshot fourPods(Instant at, double total) {
        List<ReplicaReport> reports = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            reports.add(ReplicaReport.ready("pod-" + i, fresh(at, Map.of(Signal.REQUESTS_PS, total / 4,
                    Signal.KV_UTILIZATION, total / 100, Signal.QUEUE, total / 10))));
        }
        return WorkloadSnapshot.of(at, Fixtures.MAX_AGE, reports);
    }

    /** Every 15 s from 0 to {@code seconds}, a total of {@code 20 + 0.1 t}; the last decision's inputs. */
    private List<SignalInput> ramp(PolicySpec spec, int seconds) {
        return feed(spec, seconds, t -> 20 + 0.1 * t);
    }

    /** Every 15 s from 0 to {@code seconds}, the total {@code load} gives; the last decision's inputs. */
    private List<SignalInput> feed(PolicySpec spec, int seconds, IntToDoubleFunction load) {
        List<SignalInput> inputs = null;
        for (int t = 0; t <= seconds; t += 15) {
            Instant at = T0.plusSeconds(t);
            RuleContext context = new RuleContext(spec, fourPods(at, load.applyAsDouble(t)), 4, at);
            inputs = new ArrayList<>();
            for (Map.Entry<Signal, Double> e : spec.targets().targets().entrySet()) {
                inputs.add(context.evaluate(e.getKey(), e.getValue()));
            }
            rule.apply(context, trends, inputs);
        }
        return inputs;
    }

    private static SignalInput input(List<SignalInput> inputs, Signal signal) {
        return inputs.stream().filter(i -> i.signal() == signal).findFirst().orElseThrow();
    }

    @Test
    void aRisingSummedLoadSignalProposesForItsForecastAndNothingElseDoes() {
        List<SignalInput> inputs = ramp(AHEAD, 150);
        SignalInput rate = input(inputs, Signal.REQUESTS_PS);
        assertThat(rate.outcome()).isEqualTo(SignalOutcome.FORECAST);
        assertThat(rate.forecast().orElseThrow()).isCloseTo(45.5, within(1e-9));
        assertThat(rate.proposedReplicas()).hasValue(5);
        assertThat(input(inputs, Signal.KV_UTILIZATION).outcome()).as("a mean").isNotEqualTo(SignalOutcome.FORECAST);
        assertThat(input(inputs, Signal.QUEUE).outcome()).as("an alarm").isNotEqualTo(SignalOutcome.FORECAST);
    }

    @Test
    void aStepThatStayedIsNotCarriedOnAsARise() {
        // 20 req/s until 60 s, then 60 from 75 s on: the line through the whole five minutes still rises
        // through the jump (it would ask for 8 replicas at 405 s), the line through the last half is flat.
        List<SignalInput> inputs = feed(AHEAD, 300, t -> t <= 60 ? 20 : 60);
        SignalInput rate = input(inputs, Signal.REQUESTS_PS);
        assertThat(rate.outcome()).isNotEqualTo(SignalOutcome.FORECAST);
        assertThat(rate.proposedReplicas()).hasValue(6);
        assertThat(trends.forecast(Signal.REQUESTS_PS, T0.plusSeconds(300), LoadForecast.DEFAULT_TREND_WINDOW,
                Duration.ofSeconds(105))).isEmpty();
    }

    @Test
    void aRiseThatSteepensIsCarriedOnByTheWholeWindowsLine() {
        // Flat at 20 until 150 s, then rising 0.2 req/s per second: the recent half is the steeper, not a bend,
        // and the whole window's line is carried ahead (53 at 405 s), as before the recent half was read at all.
        feed(AHEAD, 300, t -> t <= 150 ? 20 : 20 + 0.2 * (t - 150));
        assertThat(trends.forecast(Signal.REQUESTS_PS, T0.plusSeconds(300), LoadForecast.DEFAULT_TREND_WINDOW,
                Duration.ofSeconds(105))).hasValueCloseTo(53.36, within(0.01));
    }

    @Test
    void aNoisyRampKeepsTheWholeWindowsLine() {
        // 20 + 0.1 t with ±3 req/s of alternating noise: the recent half's slope differs from the whole window's
        // by less than their noise, and the forecast is the whole window's line (the lower of the two would be
        // biased low on noise: whichever line the noise bends down would be the one carried).
        feed(AHEAD, 300, t -> 20 + 0.1 * t + ((t / 15) % 2 == 0 ? 3 : -3));
        double[] times = new double[21];
        double[] values = new double[21];
        for (int i = 0; i <= 20; i++) {
            times[i] = 15 * i;
            values[i] = 20 + 0.1 * times[i] + (i % 2 == 0 ? 3 : -3);
        }
        assertThat(trends.forecast(Signal.REQUESTS_PS, T0.plusSeconds(300), LoadForecast.DEFAULT_TREND_WINDOW,
                Duration.ofSeconds(105))).hasValueCloseTo(leastSquaresAt(times, values, 405), within(1e-9));
    }

    private static double leastSquaresAt(double[] t, double[] v, double at) {
        double mt = java.util.Arrays.stream(t).average().orElseThrow();
        double mv = java.util.Arrays.stream(v).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < t.length; i++) {
            sxy += (t[i] - mt) * (v[i] - mv);
            sxx += (t[i] - mt) * (t[i] - mt);
        }
        return mv + sxy / sxx * (at - mt);
    }

    @Test
    void withoutALeadTimeTheRuleRecordsNothingAndChangesNothing() {
        PolicySpec off = AHEAD.withForecast(LoadForecast.OFF);
        List<SignalInput> inputs = ramp(off, 150);
        assertThat(inputs).noneMatch(i -> i.outcome() == SignalOutcome.FORECAST);
        assertThat(trends.forecast(Signal.REQUESTS_PS, T0.plusSeconds(150), LoadForecast.DEFAULT_TREND_WINDOW,
                Duration.ofSeconds(105))).as("no readings kept").isEmpty();
    }
}
