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
 * sample. The estimate for the current mix times {@link #share} (at most {@link SaturationTargets#RATE_TARGET_SHARE},
 * less where few requests are in flight) becomes the target
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
        // The staffing share is sized for the decision's own reading of the arrivals, whole or not: a replica that
        // came ready moments ago, or one that reports no rate yet, must not take the margin away with it (a part
        // of the load reads as fewer slots, and a wider margin).
        OptionalDouble rate = snapshot.get(Signal.ARRIVALS_PS).map(a -> OptionalDouble.of(a.workloadValue()))
                .orElse(OptionalDouble.empty());
        double target = target(capacity, rate, slo.attainment());
        SignalInput input = context.evaluate(Signal.ARRIVALS_PS, target).withLearned(capacity);
        if (capacity.confidence() == LearnedCapacity.Confidence.PROVISIONAL && input.voted()
                && input.proposedReplicas().getAsInt() < context.currentReplicas()) {
            input = input.quiet();
        }
        inputs.add(input);
    }

    /**
     * The share of the capacity the target holds the load to: {@link SaturationTargets#RATE_TARGET_SHARE}, or less
     * where few requests are in flight. A replica at its capacity holds {@code B} requests in flight; the workload
     * at its total rate {@code Λ} needs {@code R = Λ/λ·B} such slots on average, and arrivals at random fill them
     * beyond that: square-root staffing (Halfin and Whitt, 1981) keeps {@code R + z·√R} slots, with {@code z} the
     * standard normal quantile of the SLO's attainment (2.33 at 99 %), so that waiting stays as rare as the SLO
     * allows. Per replica that is {@code λ / (1 + z/√R)}: a few long requests per replica (√R small) need a wide
     * margin, hundreds of short ones almost none. Learned from the workload's own batch and rate, not set. Not
     * where the estimate is bounded by the evidence ({@link LearnedCapacity.SloTerm#EVIDENCE}): it is then below
     * what the replica can do, which is margin already, and a further one would keep the load from ever proving
     * more.
     */
    static double share(LearnedCapacity capacity, OptionalDouble workloadRate, double attainment) {
        return capacity.binding() == LearnedCapacity.SloTerm.EVIDENCE ? SaturationTargets.RATE_TARGET_SHARE
                : staffingShare(capacity, workloadRate, attainment);
    }

    /**
     * The per-replica {@code arrivals_ps} target: {@link #share} of the capacity. Where the evidence bounds the
     * estimate only just below what the SLO terms give, the bound is no margin: the target is then also held to the
     * square-root-staffing share of the modelled capacity, so that a bound a few percent below a full KV cache does
     * not lend the load a margin the cache does not have. Where the model reaches far beyond the evidence, the
     * evidence's share binds as before and the load may still prove more.
     */
    static double target(LearnedCapacity capacity, OptionalDouble workloadRate, double attainment) {
        double target = share(capacity, workloadRate, attainment) * capacity.perReplica();
        if (capacity.binding() == LearnedCapacity.SloTerm.EVIDENCE) {
            target = Math.min(target, staffingShare(capacity, workloadRate, attainment) * capacity.modelled());
        }
        return target;
    }

    /** Square-root staffing's share ({@link #share}'s), whatever bounds the estimate. */
    private static double staffingShare(LearnedCapacity capacity, OptionalDouble workloadRate, double attainment) {
        double share = SaturationTargets.RATE_TARGET_SHARE;
        double batch = capacity.batchAtCapacity();
        if (workloadRate.isEmpty()
                || !(workloadRate.getAsDouble() > 0) || !(batch > 0) || !Double.isFinite(batch) || attainment >= 1) {
            return share;
        }
        double slots = workloadRate.getAsDouble() / capacity.perReplica() * batch;
        double z = normalQuantile(attainment);
        return z > 0 ? Math.min(share, 1 / (1 + z / Math.sqrt(Math.max(slots, 1)))) : share;
    }

    /** The standard normal quantile at {@code p} in (0, 1) (Acklam's rational approximation, |error| < 1.2e-9). */
    static double normalQuantile(double p) {
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
                -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
                4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double low = 0.02425;
        if (p < low) {
            double q = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p <= 1 - low) {
            double q = p - 0.5;
            double r = q * q;
            return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                    / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        }
        double q = Math.sqrt(-2 * Math.log(1 - p));
        return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
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
        double queueMin = snapshot.get(Signal.QUEUE).orElseThrow().min();
        return Optional.of(new SloCapacityModel.Sample(context.now(), arrivals.getAsDouble() / pods,
                finished.getAsDouble() / pods, running.getAsDouble() / pods, queue.getAsDouble() / pods, queueMin,
                prompt.getAsDouble() / pods, generation.getAsDouble() / pods, itl.getAsDouble(),
                step.orElse(itl.getAsDouble()), ttft.getAsDouble(), kv.orElse(Double.NaN)));
    }

    /** The mean of a latency over the ready pods, when every one of them reported it fresh. */
    private static OptionalDouble mean(WorkloadSnapshot snapshot, Signal signal) {
        return snapshot.get(signal).filter(a -> snapshot.complete(a.reporting()))
                .map(a -> OptionalDouble.of(a.mean())).orElse(OptionalDouble.empty());
    }
}
