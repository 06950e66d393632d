package dev.headroom.autoscaler.policy;

import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Kubernetes HPA's algorithm over Headroom's signals, with Headroom's fail-safe rules.
 *
 * <p>One decision follows {@code reconcileAutoscaler} in {@code pkg/controller/podautoscaler/horizontal.go}:
 * <ol>
 *   <li>a target at 0 replicas with {@code minReplicas > 0} is left alone; a count above {@code maxReplicas}
 *       or below {@code minReplicas} is brought to the bound at once;</li>
 *   <li>each targeted signal proposes {@code ceil(replicas × current / target)} within its tolerance
 *       ({@link ReplicaCalculator}, after {@code calcPlainMetricReplicas}); the recommendation is the
 *       maximum of the proposals ({@code computeReplicasForMetrics});</li>
 *   <li>{@code normalizeDesiredReplicasWithBehaviors}: stabilisation windows, then rate policies and
 *       min/max ({@link Normalization}).</li>
 * </ol>
 * Fail-safe, stricter than the HPA: with no targeted signal known on any ready pod, hold; while any ready
 * pod's data is missing or stale, no signal may propose a scale-down (and it counts at target, not as idle,
 * on a scale-up); pods not ready yet absorb load on a scale-up and are left out of a scale-down. A held
 * decision, as the HPA's failed metric computation, leaves no recommendation behind. Under
 * {@link ScaleDownVoting#LOAD_SIGNALS} (the default), alarm signals (queue, latencies) vote only for more
 * replicas, one step at a time and not while replicas are starting; with only quiet alarm signals the
 * recommendation is the current count. With a {@link LoadForecast} the summed load signals are also carried
 * ahead along their trend (a step the HPA does not have).
 *
 * <p>As the HPA's {@code recordInitialRecommendation}, the count a workload has when it is first seen is
 * remembered as a recommendation: no scale-down below it within the first scale-down window.
 *
 * <p>State per workload (recommendations and scale events) is kept here, bounded by the stabilisation
 * windows, the longest policy period and {@link Normalization#MAX_HISTORY}. Thread-safe; one workload's
 * decisions are serialised.
 */
public final class HpaCompatiblePolicy implements ScalingPolicy {

    private final InstantSource clock;
    private final Map<String, History> histories = new ConcurrentHashMap<>();

    private static final class History {
        final List<Normalization.TimedRecommendation> recommendations = new ArrayList<>();
        final List<Normalization.ScaleEvent> scaleUps = new ArrayList<>();
        final List<Normalization.ScaleEvent> scaleDowns = new ArrayList<>();
        final LoadTrends trends = new LoadTrends();
        boolean seeded;
        /** Requests/s a replica finished when alarms fired (running mean); NaN until then. */
        double learnedRate = Double.NaN;
    }

    public HpaCompatiblePolicy(InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public ScalingDecision decide(String workload, PolicySpec spec, int currentReplicas, WorkloadSnapshot snapshot) {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(snapshot, "snapshot");
        if (currentReplicas < 0) {
            throw new IllegalArgumentException("current replicas cannot be negative, got " + currentReplicas);
        }
        Instant now = clock.instant();
        Behavior behavior = spec.behavior();
        List<SignalInput> inputs = new ArrayList<>();
        spec.targets().targets().forEach((signal, target) -> inputs.add(alarmRule(spec,
                ReplicaCalculator.evaluate(signal, target, snapshot, currentReplicas, behavior), currentReplicas,
                snapshot)));
        History history = histories.computeIfAbsent(workload, w -> new History());
        synchronized (history) {
            learnRateTarget(history, inputs, spec, snapshot, currentReplicas);
            recordInitialRecommendation(history, currentReplicas, now);
            if (spec.forecast().enabled()) {
                forecast(history.trends, inputs, spec, snapshot, currentReplicas, now);
            }
        }
        Outcome o = new Outcome(workload, now, currentReplicas, inputs, snapshot);

        if (currentReplicas == 0 && spec.minReplicas() != 0) {
            return o.fixed(0, DecisionReason.SCALING_DISABLED, String.format(Locale.ROOT,
                    "hold at 0: the target was scaled to zero while minReplicas is %d; autoscaling is paused",
                    spec.minReplicas()));
        }
        if (currentReplicas > spec.maxReplicas()) {
            return o.fixed(spec.maxReplicas(), DecisionReason.AT_MAX, String.format(Locale.ROOT,
                    "scale down %d → %d: above maxReplicas", currentReplicas, spec.maxReplicas()));
        }
        if (currentReplicas < spec.minReplicas()) {
            return o.fixed(spec.minReplicas(), DecisionReason.AT_MIN, String.format(Locale.ROOT,
                    "scale up %d → %d: below minReplicas", currentReplicas, spec.minReplicas()));
        }

        SignalInput dominant = null;
        boolean heldMissing = false;
        for (SignalInput input : inputs) {
            if (!input.voted()) {
                continue;
            }
            heldMissing |= input.outcome() == SignalOutcome.HELD_MISSING_DATA;
            if (dominant == null || dominates(input, dominant)) {
                dominant = input;
            }
        }
        boolean anyQuiet = inputs.stream().anyMatch(i -> i.outcome() == SignalOutcome.QUIET);
        if (dominant == null && !anyQuiet) {
            return o.fixed(currentReplicas, DecisionReason.HELD_NO_DATA, String.format(Locale.ROOT,
                    "hold at %d: no targeted signal (%s) has fresh data from any ready pod; %s", currentReplicas,
                    keys(inputs), o.pods()));
        }
        // Only quiet alarm signals: nothing says how many fewer replicas would do, so the recommendation is
        // the current count (remembered, as any recommendation, for the scale-down window).
        int recommended = dominant == null ? currentReplicas : dominant.proposedReplicas().orElseThrow();

        int stabilised;
        Normalization.Limited limited;
        synchronized (history) {
            stabilised = Normalization.stabilize(history.recommendations, now, currentReplicas, recommended, behavior);
            limited = Normalization.limitByRate(currentReplicas, stabilised, spec.minReplicas(), spec.maxReplicas(),
                    history.scaleUps, history.scaleDowns, behavior, now);
        }
        int desired = limited.replicas();
        DecisionReason reason;
        if (limited.limitedBy() != null) {
            reason = limited.limitedBy();
        } else if (stabilised != recommended) {
            reason = DecisionReason.STABILISED;
        } else if (desired > currentReplicas) {
            reason = DecisionReason.SCALE_UP;
        } else if (desired < currentReplicas) {
            reason = DecisionReason.SCALE_DOWN;
        } else if (heldMissing) {
            reason = DecisionReason.HELD_MISSING_DATA;
        } else {
            reason = DecisionReason.WITHIN_TOLERANCE;
        }
        String message = message(reason, currentReplicas, recommended, stabilised, desired, dominant, spec, o);
        return new ScalingDecision(workload, now, currentReplicas, recommended, stabilised, desired, reason,
                Optional.ofNullable(dominant).map(SignalInput::signal), inputs, o.fresh, o.missing, o.notReady,
                message);
    }

    /**
     * {@code recordInitialRecommendation}: the first time a workload is seen, its current count is remembered
     * as a recommendation, so that a controller that has just started (or just become leader) does not scale
     * down before it has watched the workload for a scale-down window: it cannot know what the window held.
     */
    private static void recordInitialRecommendation(History history, int currentReplicas, Instant now) {
        if (!history.seeded) {
            history.recommendations.add(new Normalization.TimedRecommendation(currentReplicas, now));
            history.seeded = true;
        }
    }

    /**
     * A rate target learned from the workload itself, under {@link ScaleDownVoting#LOAD_SIGNALS} when no
     * {@code arrivals_ps} target is set. Whenever an alarm signal is above its target beyond the tolerance, the
     * replicas are at their limit (or at the latency the user set as one), so the requests each ready replica
     * finished then are a sample of what one replica carries there; the samples' running mean (each new one
     * weighing half) times {@link SaturationTargets#RATE_TARGET_SHARE} becomes an {@code arrivals_ps} target,
     * which votes both ways as a configured one would. Until an alarm has fired with complete data there is
     * none. A sample taken below the true limit (a latency alarm that fires early) makes the target lower:
     * more replicas, never fewer.
     */
    private static void learnRateTarget(History history, List<SignalInput> inputs, PolicySpec spec,
                                        WorkloadSnapshot snapshot, int currentReplicas) {
        if (spec.scaleDownVoting() != ScaleDownVoting.LOAD_SIGNALS
                || spec.targets().get(Signal.ARRIVALS_PS).isPresent()) {
            return;
        }
        double upTolerance = spec.behavior().scaleUp().tolerance();
        boolean alarmed = inputs.stream().anyMatch(i -> ScaleDownVoting.isAlarm(i.signal()) && i.ratio().isPresent()
                && i.ratio().getAsDouble() > 1 + upTolerance);
        OptionalDouble finished = completeTotal(snapshot, Signal.REQUESTS_PS);
        if (alarmed && finished.isPresent() && finished.getAsDouble() > 0) {
            double sample = finished.getAsDouble() / snapshot.readyFresh();
            history.learnedRate = Double.isNaN(history.learnedRate) ? sample : (history.learnedRate + sample) / 2;
        }
        if (!Double.isNaN(history.learnedRate)) {
            inputs.add(ReplicaCalculator.evaluate(Signal.ARRIVALS_PS,
                    SaturationTargets.RATE_TARGET_SHARE * history.learnedRate, snapshot, currentReplicas,
                    spec.behavior()));
        }
    }

    /**
     * {@link LoadForecast}: each summed load signal's complete reading (every ready pod fresh and reporting it)
     * joins its trend; where the trend carried one lead time ahead rises above the reading and needs more
     * replicas than the signal proposes, the signal proposes the fewest that keep the forecast within the
     * scale-up tolerance of its target. A mean (KV utilisation) is left out: it moves with the replica count
     * itself, so its trend is not the load's.
     */
    private static void forecast(LoadTrends trends, List<SignalInput> inputs, PolicySpec spec,
                                 WorkloadSnapshot snapshot, int currentReplicas, Instant now) {
        LoadForecast forecast = spec.forecast();
        double tolerance = spec.behavior().scaleUp().tolerance();
        for (int i = 0; i < inputs.size(); i++) {
            SignalInput input = inputs.get(i);
            if (ScaleDownVoting.isAlarm(input.signal()) || input.aggregation() != Aggregation.SUM
                    || input.workloadValue().isEmpty()) {
                continue;
            }
            double total = input.workloadValue().getAsDouble();
            if (input.reporting() == snapshot.readyFresh() && snapshot.readyMissing() == 0) {
                trends.record(input.signal(), now, total, forecast.trendWindow());
            }
            OptionalDouble ahead = trends.forecast(input.signal(), now, forecast.trendWindow(), forecast.leadTime());
            if (ahead.isEmpty() || !(ahead.getAsDouble() > total)) {
                continue;
            }
            int needed = ReplicaCalculator.ceilReplicas(ahead.getAsDouble() / (input.target() * (1 + tolerance)));
            int proposed = input.proposedReplicas().orElse(currentReplicas);
            if (needed > Math.max(proposed, currentReplicas)) {
                inputs.set(i, input.forecasting(needed, ahead.getAsDouble()));
            }
        }
    }

    /**
     * Under {@link ScaleDownVoting#LOAD_SIGNALS}, an alarm signal that does not ask for more replicas abstains
     * ({@link SignalOutcome#QUIET}); one at its target (within the tolerance, ratio ≥ 1 − tolerance) holds. One
     * that asks for more gets, in this order: the {@linkplain #measuredDemand measured demand} when that is more
     * than the current count; nothing while replicas are starting ({@link SignalOutcome#HELD_STARTING}); else one
     * step ({@link #alarmStep}). Not its ratio's count: a queue or a latency above its target says the replicas
     * are full, not by how much (its ratio grows with the backlog, not with the load: under the HPA's arithmetic
     * a queue of 8 on a 256-request batch doubles the fleet), and it stays high through a cold start whatever
     * was already asked for. How many replicas the load needs is the load signals' part.
     */
    private static SignalInput alarmRule(PolicySpec spec, SignalInput input, int currentReplicas,
                                         WorkloadSnapshot snapshot) {
        if (!input.voted() || spec.scaleDownVoting().mayVoteDown(input.signal())) {
            return input;
        }
        int proposed = input.proposedReplicas().orElseThrow();
        boolean belowTarget = input.ratio().orElseThrow() < 1.0 - spec.behavior().scaleDown().tolerance();
        if (proposed < currentReplicas || input.outcome() == SignalOutcome.HELD_MISSING_DATA
                || (proposed == currentReplicas && belowTarget)) {
            return input.quiet();
        }
        if (proposed > currentReplicas) {
            int demand = measuredDemand(snapshot);
            if (demand > currentReplicas) {
                return input.proposing(demand, SignalOutcome.MEASURED_DEMAND);
            }
            if (snapshot.notReady() > 0) {
                return input.proposing(currentReplicas, SignalOutcome.HELD_STARTING);
            }
            int stepped = currentReplicas + alarmStep(currentReplicas);
            if (proposed > stepped) {
                return input.proposing(stepped, SignalOutcome.STEPPED);
            }
        }
        return input;
    }

    /**
     * While an alarm says the replicas are full, what they finish is what they can serve: the replicas the
     * arriving requests need are {@code ceil(pods × arrivals / finished)}. Zero (nothing measured) unless every
     * ready pod reports both rates fresh and something finished.
     */
    static int measuredDemand(WorkloadSnapshot snapshot) {
        OptionalDouble arrivals = completeTotal(snapshot, Signal.ARRIVALS_PS);
        OptionalDouble finished = completeTotal(snapshot, Signal.REQUESTS_PS);
        if (arrivals.isEmpty() || finished.isEmpty() || !(finished.getAsDouble() > 0)) {
            return 0;
        }
        return ReplicaCalculator.ceilReplicas(
                snapshot.readyFresh() * arrivals.getAsDouble() / finished.getAsDouble());
    }

    /** The workload total of {@code signal} when every ready pod reported it fresh; empty otherwise. */
    private static OptionalDouble completeTotal(WorkloadSnapshot snapshot, Signal signal) {
        Optional<SignalAggregate> aggregate = snapshot.get(signal);
        int pods = snapshot.readyFresh();
        if (aggregate.isEmpty() || pods == 0 || snapshot.readyMissing() > 0 || aggregate.get().reporting() != pods) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(aggregate.get().workloadValue());
    }

    /** One alarm step: one replica, or a tenth of the current count (rounded up) when that is more. */
    static int alarmStep(int currentReplicas) {
        return Math.max(1, (int) Math.ceil(currentReplicas * 0.1));
    }

    /** The larger proposal wins; on a tie the larger ratio; on a tie the earlier signal (already held). */
    private static boolean dominates(SignalInput a, SignalInput b) {
        int pa = a.proposedReplicas().orElseThrow();
        int pb = b.proposedReplicas().orElseThrow();
        return pa > pb || (pa == pb && a.ratio().orElseThrow() > b.ratio().orElseThrow());
    }

    @Override
    public void recordScale(String workload, PolicySpec spec, int from, int to) {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(spec, "spec");
        if (from < 0 || to < 0) {
            throw new IllegalArgumentException("replica counts cannot be negative: " + from + " → " + to);
        }
        if (from == to) {
            return;
        }
        Instant now = clock.instant();
        History history = histories.computeIfAbsent(workload, w -> new History());
        synchronized (history) {
            if (to > from) {
                Normalization.store(history.scaleUps, to - from, spec.behavior().scaleUp().longestPeriod(), now);
            } else {
                Normalization.store(history.scaleDowns, from - to, spec.behavior().scaleDown().longestPeriod(), now);
            }
        }
    }

    @Override
    public void forget(String workload) {
        histories.remove(workload);
    }

    /** How many recommendations are remembered for {@code workload} (bounded; for tests and diagnostics). */
    public int rememberedRecommendations(String workload) {
        History history = histories.get(workload);
        if (history == null) {
            return 0;
        }
        synchronized (history) {
            return history.recommendations.size();
        }
    }

    private static String message(DecisionReason reason, int current, int recommended, int stabilised, int desired,
                                  SignalInput dominant, PolicySpec spec, Outcome o) {
        String why = dominant == null ? quiet(o.inputs) : describe(dominant, spec);
        return switch (reason) {
            case SCALE_UP -> String.format(Locale.ROOT, "scale up %d → %d: %s; %s", current, desired, why, o.pods());
            case SCALE_DOWN -> String.format(Locale.ROOT, "scale down %d → %d: %s; %s", current, desired, why,
                    o.pods());
            case WITHIN_TOLERANCE -> String.format(Locale.ROOT, "hold at %d: within tolerance, %s; %s", current, why,
                    o.pods());
            case HELD_MISSING_DATA -> String.format(Locale.ROOT,
                    "hold at %d: no scale-down while %d ready pod(s) have missing or stale data; %s; %s", current,
                    o.missing, why, o.pods());
            case STABILISED -> String.format(Locale.ROOT,
                    "%s %d: a stabilisation window keeps %d instead of the recommended %d; %s; %s",
                    desired == current ? "hold at" : "scale " + current + " →", desired, stabilised, recommended, why,
                    o.pods());
            case LIMITED_BY_RATE -> String.format(Locale.ROOT,
                    "%s %d → %d: a rate policy limits the change (wanted %d); %s; %s",
                    stabilised > current ? "scale up" : "scale down", current, desired, stabilised, why, o.pods());
            case AT_MAX -> String.format(Locale.ROOT, "%s %d: at maxReplicas %d (wanted %d); %s; %s",
                    desired == current ? "hold at" : "scale " + current + " →", desired, spec.maxReplicas(),
                    stabilised, why, o.pods());
            case AT_MIN -> String.format(Locale.ROOT, "%s %d: at minReplicas %d (wanted %d); %s; %s",
                    desired == current ? "hold at" : "scale " + current + " →", desired, spec.minReplicas(),
                    stabilised, why, o.pods());
            case HELD_NO_DATA, SCALING_DISABLED -> throw new IllegalStateException("decided earlier: " + reason);
        };
    }

    private static String describe(SignalInput input, PolicySpec spec) {
        String reading = String.format(Locale.ROOT, "%s %s per replica against target %s (ratio %.3f) on %d pod(s)",
                input.signal().key(), number(input.perReplicaValue().orElseThrow()), number(input.target()),
                input.ratio().orElseThrow(), input.reporting());
        if (spec.targets().get(input.signal()).isEmpty()) {
            reading += String.format(Locale.ROOT, " (target learned: %.2f × what a replica finished when an alarm"
                    + " fired)", SaturationTargets.RATE_TARGET_SHARE);
        }
        return switch (input.outcome()) {
            case FORECAST -> String.format(Locale.ROOT, "%s; its trend reaches %s in all, %d s ahead", reading,
                    number(input.forecast().orElseThrow()), spec.forecast().leadTime().toSeconds());
            case STEPPED -> reading + "; an alarm asks for one step more";
            case HELD_STARTING -> reading + "; replicas still starting are the step it asked for";
            case MEASURED_DEMAND -> reading + "; the full replicas finish less than arrives: their share of the"
                    + " arrivals asks for this many";
            default -> reading;
        };
    }

    private static String quiet(List<SignalInput> inputs) {
        StringBuilder b = new StringBuilder("no load signal voted and every alarm signal is at or below its target (");
        boolean first = true;
        for (SignalInput i : inputs) {
            if (i.outcome() == SignalOutcome.QUIET) {
                b.append(first ? "" : ", ").append(i.signal().key()).append(' ')
                        .append(number(i.perReplicaValue().orElseThrow())).append(" per replica against ")
                        .append(number(i.target()));
                first = false;
            }
        }
        return b.append("); alarm signals never vote for fewer replicas").toString();
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    private static String keys(List<SignalInput> inputs) {
        StringBuilder b = new StringBuilder();
        for (SignalInput i : inputs) {
            if (!b.isEmpty()) {
                b.append(", ");
            }
            b.append(i.signal().key());
        }
        return b.toString();
    }

    /** What every decision carries, so that the early returns build it the same way. */
    private static final class Outcome {
        final String workload;
        final Instant at;
        final int current;
        final List<SignalInput> inputs;
        final int fresh;
        final int missing;
        final int notReady;

        Outcome(String workload, Instant at, int current, List<SignalInput> inputs, WorkloadSnapshot snapshot) {
            this.workload = workload;
            this.at = at;
            this.current = current;
            this.inputs = inputs;
            this.fresh = snapshot.readyFresh();
            this.missing = snapshot.readyMissing();
            this.notReady = snapshot.notReady();
        }

        ScalingDecision fixed(int desired, DecisionReason reason, String message) {
            return new ScalingDecision(workload, at, current, desired, desired, desired, reason, Optional.<Signal>empty(),
                    inputs, fresh, missing, notReady, message);
        }

        String pods() {
            return String.format(Locale.ROOT, "pods: %d ready with fresh data, %d ready without, %d not ready", fresh,
                    missing, notReady);
        }
    }
}
