package dev.headroom.autoscaler.policy;

import dev.headroom.signals.Signal;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Kubernetes HPA's algorithm over Headroom's signals, with Headroom's fail-safe rules, and Headroom's
 * {@link PolicyRule}s beside it.
 *
 * <p>One decision follows {@code reconcileAutoscaler} in {@code pkg/controller/podautoscaler/horizontal.go}:
 * <ol>
 *   <li>each targeted signal proposes {@code ceil(replicas × current / target)} within its tolerance
 *       ({@link ReplicaCalculator}, after {@code calcPlainMetricReplicas});</li>
 *   <li>the rules adjust those inputs, in the order given (a step the HPA does not have; with no rules, or
 *       with rules the spec does not enable, this is the HPA);</li>
 *   <li>{@code recordInitialRecommendation}: the first time a workload is seen, its current count is
 *       remembered as a recommendation;</li>
 *   <li>a target at 0 replicas with {@code minReplicas > 0} is left alone; a count above {@code maxReplicas}
 *       or below {@code minReplicas} is brought to the bound at once;</li>
 *   <li>the recommendation is the maximum of the proposals ({@code computeReplicasForMetrics});</li>
 *   <li>{@code normalizeDesiredReplicasWithBehaviors}: stabilisation windows, then rate policies and
 *       min/max ({@link Normalization}).</li>
 * </ol>
 * Fail-safe, stricter than the HPA: with no targeted signal known on any ready pod, hold; while any ready
 * pod's data is missing or stale, no signal may propose a scale-down (and it counts at target, not as idle,
 * on a scale-up); pods not ready yet absorb load on a scale-up and are left out of a scale-down. A held
 * decision, as the HPA's failed metric computation, leaves no recommendation behind. A signal that has data
 * but abstains ({@link SignalOutcome#QUIET}, which only a rule makes) keeps a decision from being a hold for no
 * data; with only such signals the recommendation is the current count.
 *
 * <p>{@link #HpaCompatiblePolicy(InstantSource)} runs {@link HeadroomRules#defaults()}: alarm signals vote only
 * up (by the measured demand or one step), an {@code arrivals_ps} target is learned when an alarm fires, and
 * summed load signals are carried ahead when the spec has a {@link LoadForecast}. A rule is added by giving
 * the policy another list, not by changing this class. The rules run before the initial recommendation is
 * remembered; they cannot see the recommendations, so the two steps are independent.
 *
 * <p>State per workload (recommendations, scale events, and each rule's state) is kept here, bounded by the
 * stabilisation windows, the longest policy period, {@link Normalization#MAX_HISTORY} and each rule's own
 * bound, and dropped together on {@link #forget}. Thread-safe; one workload's decisions are serialised, and a
 * rule's state is only handed to it under its workload's lock. Every message is written by
 * {@link DecisionText}.
 */
public final class HpaCompatiblePolicy implements ScalingPolicy {

    private final InstantSource clock;
    private final List<PolicyRule<?>> rules;
    private final Map<String, History> histories = new ConcurrentHashMap<>();

    /** One workload's memory: the HPA's recommendations and scale events, and a state per rule. */
    private static final class History {
        final List<Normalization.TimedRecommendation> recommendations = new ArrayList<>();
        final List<Normalization.ScaleEvent> scaleUps = new ArrayList<>();
        final List<Normalization.ScaleEvent> scaleDowns = new ArrayList<>();
        final List<RuleSlot<?>> rules;
        boolean seeded;

        History(List<PolicyRule<?>> rules) {
            List<RuleSlot<?>> slots = new ArrayList<>(rules.size());
            for (PolicyRule<?> rule : rules) {
                slots.add(RuleSlot.of(rule));
            }
            this.rules = List.copyOf(slots);
        }
    }

    /** A rule with this workload's state, typed together so that the state goes back to its own rule. */
    private static final class RuleSlot<S> {
        private final PolicyRule<S> rule;
        private final S state;

        private RuleSlot(PolicyRule<S> rule, S state) {
            this.rule = rule;
            this.state = state;
        }

        static <S> RuleSlot<S> of(PolicyRule<S> rule) {
            return new RuleSlot<>(rule, rule.newState());
        }

        void apply(RuleContext context, List<SignalInput> inputs) {
            rule.apply(context, state, inputs);
        }
    }

    /** Headroom's policy: the HPA core with {@link HeadroomRules#defaults()}. */
    public HpaCompatiblePolicy(InstantSource clock) {
        this(clock, HeadroomRules.defaults());
    }

    /**
     * The HPA core with {@code rules} beside it, applied in this order; an empty list is the HPA's algorithm
     * with Headroom's fail-safe rules alone.
     */
    public HpaCompatiblePolicy(InstantSource clock, List<? extends PolicyRule<?>> rules) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rules = List.copyOf(Objects.requireNonNull(rules, "rules"));
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
        spec.targets().targets().forEach((signal, target) ->
                inputs.add(ReplicaCalculator.evaluate(signal, target, snapshot, currentReplicas, behavior)));
        History history = history(workload);
        synchronized (history) {
            RuleContext context = new RuleContext(spec, snapshot, currentReplicas, now);
            for (RuleSlot<?> rule : history.rules) {
                rule.apply(context, inputs);
            }
            recordInitialRecommendation(history, currentReplicas, now);
        }
        Outcome o = new Outcome(workload, now, currentReplicas, inputs, snapshot);

        if (currentReplicas == 0 && spec.minReplicas() != 0) {
            return o.fixed(0, DecisionReason.SCALING_DISABLED, DecisionText.pausedAtZero(spec.minReplicas()));
        }
        if (currentReplicas > spec.maxReplicas()) {
            return o.fixed(spec.maxReplicas(), DecisionReason.AT_MAX,
                    DecisionText.aboveMax(currentReplicas, spec.maxReplicas()));
        }
        if (currentReplicas < spec.minReplicas()) {
            return o.fixed(spec.minReplicas(), DecisionReason.AT_MIN,
                    DecisionText.belowMin(currentReplicas, spec.minReplicas()));
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
            return o.fixed(currentReplicas, DecisionReason.HELD_NO_DATA,
                    DecisionText.noData(currentReplicas, inputs, snapshot));
        }
        // Only quiet signals: nothing says how many fewer replicas would do, so the recommendation is the
        // current count (remembered, as any recommendation, for the scale-down window).
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
        String message = DecisionText.decision(reason, currentReplicas, recommended, stabilised, desired, dominant,
                inputs, spec, snapshot);
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
        History history = history(workload);
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

    private History history(String workload) {
        return histories.computeIfAbsent(workload, w -> new History(rules));
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
    }
}
