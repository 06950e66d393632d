package dev.headroom.autoscaler.policy;

import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The per-replica load at which the workload's SLO is just met, learned online from its engines' own data, as an
 * {@code arrivals_ps} target: the rule a spec with an {@link SloSpec} (and no hand-set {@code arrivals_ps} target)
 * scales by. {@link SloCapacityModel} says how it is learned and kept robust; this class says when it is fed
 * and how far it is trusted.
 *
 * <p>Each decision with complete data (every ready pod fresh and reporting arrivals, finished requests, running,
 * waiting, prompt and generation rates and the SLO's latencies, and something finished) offers one per-replica
 * sample. The estimate for the current mix times {@link SaturationTargets#RATE_TARGET_SHARE} becomes the target
 * of an {@code arrivals_ps} input added at the end, carrying the {@link LearnedCapacity} (estimate, binding SLO
 * term, evidence, confidence) for {@link DecisionText}, {@code /v1/decisions} and the policy's status. With no
 * sample yet there is no input: the alarm signals (which the SLO also sets) step up on their own. A
 * {@link LearnedCapacity.Confidence#PROVISIONAL} estimate (fewer than {@link SloCapacityModel#MIN_SAMPLES}
 * samples) may ask for more replicas but never for fewer: it abstains instead.
 *
 * <p>Runs after {@link LearnedRateRule} (which steps aside when the spec has an SLO) and before
 * {@link ForecastRule}, so that the learned target is carried ahead as a configured one. State: one
 * {@link SloCapacityModel}, bounded.
 */
final class SloCapacityRule implements PolicyRule<SloCapacityModel> {

    @Override
    public SloCapacityModel newState() {
        return new SloCapacityModel();
    }

    /** Whether {@code spec} asks for this rule: an SLO, Headroom's voting, no hand-set arrivals target. */
    static boolean applies(PolicySpec spec) {
        return spec.slo().isPresent() && spec.scaleDownVoting() == ScaleDownVoting.LOAD_SIGNALS
                && spec.targets().get(Signal.ARRIVALS_PS).isEmpty();
    }

    @Override
    public void apply(RuleContext context, SloCapacityModel model, List<SignalInput> inputs) {
        PolicySpec spec = context.spec();
        if (!applies(spec)) {
            return;
        }
        SloSpec slo = spec.slo().orElseThrow();
        WorkloadSnapshot snapshot = context.snapshot();
        sample(snapshot, slo, context).ifPresent(model::offer);
        LearnedCapacity capacity = model.estimate(slo, context.now());
        if (capacity == null) {
            return;
        }
        SignalInput input = context.evaluate(Signal.ARRIVALS_PS, SaturationTargets.RATE_TARGET_SHARE
                * capacity.perReplica()).withLearned(capacity);
        if (capacity.confidence() == LearnedCapacity.Confidence.PROVISIONAL && input.voted()
                && input.proposedReplicas().getAsInt() < context.currentReplicas()) {
            input = input.quiet();
        }
        inputs.add(input);
    }

    private static Optional<SloCapacityModel.Sample> sample(WorkloadSnapshot snapshot, SloSpec slo,
                                                            RuleContext context) {
        int pods = snapshot.readyFresh();
        OptionalDouble arrivals = snapshot.completeTotal(Signal.ARRIVALS_PS);
        OptionalDouble finished = snapshot.completeTotal(Signal.REQUESTS_PS);
        OptionalDouble running = snapshot.completeTotal(Signal.RUNNING);
        OptionalDouble queue = snapshot.completeTotal(Signal.QUEUE);
        OptionalDouble prompt = snapshot.completeTotal(Signal.PROMPT_TPS);
        OptionalDouble generation = snapshot.completeTotal(Signal.GENERATION_TPS);
        OptionalDouble itl = mean(snapshot, slo.itlSignal());
        OptionalDouble step = mean(snapshot, Signal.ITL_MEAN);
        OptionalDouble ttft = mean(snapshot, slo.ttftSignal());
        OptionalDouble kv = mean(snapshot, Signal.KV_UTILIZATION);
        if (pods == 0 || arrivals.isEmpty() || finished.isEmpty() || running.isEmpty() || queue.isEmpty()
                || prompt.isEmpty() || generation.isEmpty() || itl.isEmpty() || ttft.isEmpty()
                || !(finished.getAsDouble() > 0)) {
            return Optional.empty();
        }
        return Optional.of(new SloCapacityModel.Sample(context.now(), arrivals.getAsDouble() / pods,
                finished.getAsDouble() / pods, running.getAsDouble() / pods, queue.getAsDouble() / pods,
                prompt.getAsDouble() / pods, generation.getAsDouble() / pods, itl.getAsDouble(),
                step.orElse(itl.getAsDouble()), ttft.getAsDouble(), kv.orElse(Double.NaN)));
    }

    /** The mean of a latency over the ready pods, when every one of them reported it fresh. */
    private static OptionalDouble mean(WorkloadSnapshot snapshot, Signal signal) {
        return snapshot.get(signal).filter(a -> a.reporting() == snapshot.readyFresh() && snapshot.readyMissing() == 0)
                .map(a -> OptionalDouble.of(a.mean())).orElse(OptionalDouble.empty());
    }
}
