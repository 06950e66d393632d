package dev.headroom.autoscaler.policy;

import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;

import java.util.List;
import java.util.OptionalDouble;

/**
 * A rate target learned from the workload itself, under {@link ScaleDownVoting#LOAD_SIGNALS} when no
 * {@code arrivals_ps} target is set. Whenever an alarm signal is above its target beyond the tolerance, the
 * replicas are at their limit (or at the latency the user set as one), so the requests each ready replica
 * finished then are a sample of what one replica carries there; the samples' running mean (each new one
 * weighing half) times {@link SaturationTargets#RATE_TARGET_SHARE} becomes an {@code arrivals_ps} target,
 * whose input is added at the end and votes both ways as a configured one would. Until an alarm has fired
 * with complete data there is none. A sample taken below the true limit (a latency alarm that fires early)
 * makes the target lower: more replicas, never fewer.
 *
 * <p>Reads the alarms' ratios, which {@link AlarmRule} leaves as they were; runs before {@link ForecastRule},
 * so that the learned target is carried ahead too. State: the running mean, one number per workload.
 */
final class LearnedRateRule implements PolicyRule<LearnedRateRule.LearnedRate> {

    /** Requests/s a replica finished when alarms fired (running mean); NaN until then. */
    static final class LearnedRate {
        double mean = Double.NaN;
    }

    @Override
    public LearnedRate newState() {
        return new LearnedRate();
    }

    @Override
    public void apply(RuleContext context, LearnedRate learned, List<SignalInput> inputs) {
        PolicySpec spec = context.spec();
        if (spec.scaleDownVoting() != ScaleDownVoting.LOAD_SIGNALS
                || spec.targets().get(Signal.ARRIVALS_PS).isPresent()) {
            return;
        }
        WorkloadSnapshot snapshot = context.snapshot();
        double upTolerance = spec.behavior().scaleUp().tolerance();
        boolean alarmed = inputs.stream().anyMatch(i -> ScaleDownVoting.isAlarm(i.signal()) && i.ratio().isPresent()
                && i.ratio().getAsDouble() > 1 + upTolerance);
        OptionalDouble finished = snapshot.completeTotal(Signal.REQUESTS_PS);
        if (alarmed && finished.isPresent() && finished.getAsDouble() > 0) {
            double sample = finished.getAsDouble() / snapshot.readyFresh();
            learned.mean = Double.isNaN(learned.mean) ? sample : (learned.mean + sample) / 2;
        }
        if (!Double.isNaN(learned.mean)) {
            inputs.add(context.evaluate(Signal.ARRIVALS_PS, SaturationTargets.RATE_TARGET_SHARE * learned.mean));
        }
    }
}
