package dev.headroom.autoscaler.policy;

import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;

import java.util.List;
import java.util.OptionalDouble;

/**
 * A rate target learned from the workload itself, under {@link ScaleDownVoting#LOAD_SIGNALS} when no
 * {@code arrivals_ps} target is set. Whenever an alarm signal is above its target beyond the tolerance, the
 * replicas are at their limit (or at the latency the user set as one), so the requests each ready replica
 * finished then are a sample of what one replica carries there; the median of the last {@value #KEPT} samples
 * times {@link SaturationTargets#RATE_TARGET_SHARE} becomes an {@code arrivals_ps} target, whose input is added
 * at the end and votes both ways as a configured one would. A median, not a mean: one absurd reading during an
 * alarm (a {@code requests_ps} of 1e5 from a bad scrape) pulled the running mean, and the target with it, to
 * half its value (issue 14: 6 → 1 replicas under the same load); against the median it is one vote of
 * {@value #KEPT}, and old samples leave as new alarms come. Until an alarm has fired with complete data there
 * is none. A sample taken below the true limit (a latency alarm that fires early)
 * makes the target lower: more replicas, never fewer.
 *
 * <p>A spec with an {@link SloSpec} is scaled by {@link SloCapacityRule} instead, which learns from every
 * decision rather than from alarms alone; this rule then steps aside.
 *
 * <p>Reads the alarms' ratios, which {@link AlarmRule} leaves as they were; runs before {@link ForecastRule},
 * so that the learned target is carried ahead too. State: the last {@value #KEPT} samples per workload.
 */
final class LearnedRateRule implements PolicyRule<LearnedRateRule.LearnedRate> {

    /** Samples kept per workload. */
    static final int KEPT = 9;

    /** Requests/s a replica finished when alarms fired: the last {@value #KEPT}, oldest first. */
    static final class LearnedRate {
        private final double[] samples = new double[KEPT];
        private int count;
        private int next;

        void add(double sample) {
            samples[next] = sample;
            next = (next + 1) % KEPT;
            count = Math.min(count + 1, KEPT);
        }

        /** The median of the samples kept; NaN before the first. */
        double median() {
            return count == 0 ? Double.NaN : SloCapacityModel.median(java.util.Arrays.copyOf(samples, count));
        }
    }

    @Override
    public LearnedRate newState() {
        return new LearnedRate();
    }

    @Override
    public void apply(RuleContext context, LearnedRate learned, List<SignalInput> inputs) {
        PolicySpec spec = context.spec();
        if (spec.scaleDownVoting() != ScaleDownVoting.LOAD_SIGNALS
                || spec.targets().get(Signal.ARRIVALS_PS).isPresent() || spec.slo().isPresent()) {
            return;
        }
        WorkloadSnapshot snapshot = context.snapshot();
        double upTolerance = spec.behavior().scaleUp().tolerance();
        boolean alarmed = inputs.stream().anyMatch(i -> ScaleDownVoting.isAlarm(i.signal()) && i.ratio().isPresent()
                && i.ratio().getAsDouble() > 1 + upTolerance);
        OptionalDouble finished = snapshot.completeTotal(Signal.REQUESTS_PS);
        if (alarmed && finished.isPresent() && finished.getAsDouble() > 0) {
            double sample = finished.getAsDouble() / snapshot.readyFresh();
            learned.add(sample);
        }
        double median = learned.median();
        if (!Double.isNaN(median)) {
            inputs.add(context.evaluate(Signal.ARRIVALS_PS, SaturationTargets.RATE_TARGET_SHARE * median));
        }
    }
}
