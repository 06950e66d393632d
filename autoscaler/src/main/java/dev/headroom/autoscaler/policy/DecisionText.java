package dev.headroom.autoscaler.policy;

import dev.headroom.signals.SaturationTargets;

import java.util.List;
import java.util.Locale;

/**
 * Every message a decision carries, in one place: the line per {@link DecisionReason}, the description of the
 * dominant signal with a suffix per {@link SignalOutcome} a rule can leave (forecast, step, held while
 * starting, measured demand), the learned target's note, the quiet alarms and the pod counts.
 *
 * <p>Neither the core nor the {@link PolicyRule}s write text: they leave numbers and outcomes in the
 * {@link SignalInput}s, and this class reads them. Tests, Events and {@code /v1/decisions} show these lines
 * as they are, so a change here is a change people see. Numbers: {@code Locale.ROOT}, four significant
 * digits for readings and targets, three decimals for ratios.
 */
final class DecisionText {

    private DecisionText() {
    }

    /** A target at 0 replicas with {@code minReplicas > 0}: someone scaled it to zero by hand. */
    static String pausedAtZero(int minReplicas) {
        return String.format(Locale.ROOT,
                "hold at 0: the target was scaled to zero while minReplicas is %d; autoscaling is paused", minReplicas);
    }

    /** The count is above {@code maxReplicas}: brought down at once. */
    static String aboveMax(int current, int maxReplicas) {
        return String.format(Locale.ROOT, "scale down %d → %d: above maxReplicas", current, maxReplicas);
    }

    /** The count is below {@code minReplicas}: brought up at once. */
    static String belowMin(int current, int minReplicas) {
        return String.format(Locale.ROOT, "scale up %d → %d: below minReplicas", current, minReplicas);
    }

    /** No targeted signal had fresh data from any ready pod: hold. */
    static String noData(int current, List<SignalInput> inputs, WorkloadSnapshot snapshot) {
        return String.format(Locale.ROOT, "hold at %d: no targeted signal (%s) has fresh data from any ready pod; %s",
                current, keys(inputs), pods(snapshot));
    }

    /**
     * A decision that went through the recommendation, stabilisation and limits. {@code dominant} is
     * {@code null} when only quiet alarm signals had data.
     */
    static String decision(DecisionReason reason, int current, int recommended, int stabilised, int desired,
                           SignalInput dominant, List<SignalInput> inputs, PolicySpec spec, WorkloadSnapshot snapshot) {
        String why = dominant == null ? quiet(inputs) : describe(dominant, spec);
        String pods = pods(snapshot);
        return switch (reason) {
            case SCALE_UP -> String.format(Locale.ROOT, "scale up %d → %d: %s; %s", current, desired, why, pods);
            case SCALE_DOWN -> String.format(Locale.ROOT, "scale down %d → %d: %s; %s", current, desired, why, pods);
            case WITHIN_TOLERANCE -> String.format(Locale.ROOT, "hold at %d: within tolerance, %s; %s", current, why,
                    pods);
            case HELD_MISSING_DATA -> String.format(Locale.ROOT,
                    "hold at %d: no scale-down while %d ready pod(s) have missing or stale data; %s; %s", current,
                    snapshot.readyMissing(), why, pods);
            case STABILISED -> String.format(Locale.ROOT,
                    "%s %d: a stabilisation window keeps %d instead of the recommended %d; %s; %s",
                    change(current, desired), desired, stabilised, recommended, why, pods);
            case LIMITED_BY_RATE -> String.format(Locale.ROOT,
                    "%s %d → %d: a rate policy limits the change (wanted %d); %s; %s",
                    stabilised > current ? "scale up" : "scale down", current, desired, stabilised, why, pods);
            case AT_MAX -> String.format(Locale.ROOT, "%s %d: at maxReplicas %d (wanted %d); %s; %s",
                    change(current, desired), desired, spec.maxReplicas(), stabilised, why, pods);
            case AT_MIN -> String.format(Locale.ROOT, "%s %d: at minReplicas %d (wanted %d); %s; %s",
                    change(current, desired), desired, spec.minReplicas(), stabilised, why, pods);
            case HELD_NO_DATA, SCALING_DISABLED -> throw new IllegalStateException("decided earlier: " + reason);
        };
    }

    /**
     * The dominant signal's reading, and what a rule made of it. A signal without a target in the spec had
     * its target learned ({@link LearnedRateRule} is the one rule that adds such an input).
     */
    static String describe(SignalInput input, PolicySpec spec) {
        String reading = String.format(Locale.ROOT, "%s %s per replica against target %s (ratio %.3f) on %d pod(s)",
                input.signal().key(), number(input.perReplicaValue().orElseThrow()), number(input.target()),
                input.ratio().orElseThrow(), input.reporting());
        if (input.learned().isPresent()) {
            reading += " (" + learned(input.learned().get(), input.target(), spec) + ")";
        } else if (spec.targets().get(input.signal()).isEmpty()) {
            reading += String.format(Locale.ROOT, " (target learned: %.2f × what a replica finished when an alarm"
                    + " fired)", SaturationTargets.RATE_TARGET_SHARE);
        }
        return switch (input.outcome()) {
            case FORECAST -> String.format(Locale.ROOT, "%s; its trend reaches %s in all, %d s ahead", reading,
                    number(input.forecast().orElseThrow()), spec.forecast().leadTime().toSeconds());
            case STEPPED -> reading + "; an alarm asks for one step more";
            case HELD_STARTING -> reading + "; replicas still starting are the step it asked for";
            case HELD_WITH_ROOM -> reading + "; a replica has nothing waiting, so arrivals start at once: the backlog"
                    + " other replicas hold is not one a new replica would serve";
            case HELD_FOR_BURST -> reading + "; the load's recent peak needs this many, and a replica released now"
                    + " could not be back before a recurring burst returns";
            case RESERVED_FOR_RISE -> reading + "; the load has risen this much within a cold start before, and"
                    + " replicas asked for when it does would come too late";
            case MEASURED_DEMAND -> reading + "; the full replicas finish less than arrives: their share of the"
                    + " arrivals asks for this many";
            default -> reading;
        };
    }

    /**
     * The learned SLO capacity behind a target: {@code target learned: 0.90 × 9.812 req/s per replica within the
     * SLO (ITL mean ≤ 0.1 s binds; 2000 prompt / 30 output tokens; 64 samples up to 8.1 req/s; confident)}.
     */
    static String learned(LearnedCapacity c, double target, PolicySpec spec) {
        String term = switch (c.binding()) {
            case ITL -> "the ITL objective binds";
            case TTFT -> "the TTFT objective binds";
            case SATURATION -> "the replica's own limit binds: requests queued at this rate";
            case KV_CACHE -> String.format(Locale.ROOT, "the KV cache binds: the batch would fill %.0f %% of it",
                    100 * SloCapacityModel.KV_SHARE);
            case EVIDENCE -> String.format(Locale.ROOT, "capped at %.1f × the highest load seen",
                    SloCapacityModel.EXPLORE);
        };
        return String.format(Locale.ROOT, "target learned: %.2f × %s req/s per replica within the SLO (%s); %s;"
                        + " mix %.0f prompt / %.0f output tokens; %d samples up to %s req/s per replica; %s",
                target / c.perReplica(), number(c.perReplica()),
                spec.slo().map(SloSpec::describe).orElse("no SLO"), term, c.promptTokens(), c.outputTokens(),
                c.samples(), number(c.loadSeen()), c.confidence() == LearnedCapacity.Confidence.CONFIDENT
                        ? "confident" : "provisional: it may ask for more replicas, never for fewer");
    }

    /** Why the recommendation is the current count when no signal voted but some alarm was quiet. */
    static String quiet(List<SignalInput> inputs) {
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

    /**
     * The pod counts every message ends with, and the pods whose window is still filling where there are any (the
     * rules learn nothing from such a reading: an operator whose sidecars differ in their window settings sees why).
     */
    static String pods(WorkloadSnapshot snapshot) {
        String pods = String.format(Locale.ROOT, "pods: %d ready with fresh data, %d ready without, %d not ready",
                snapshot.readyFresh(), snapshot.readyMissing(), snapshot.notReady());
        return snapshot.filling() == 0 ? pods : pods + String.format(Locale.ROOT,
                " (%d with a window still filling: nothing learned from this reading)", snapshot.filling());
    }

    private static String change(int current, int desired) {
        return desired == current ? "hold at" : "scale " + current + " →";
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
}
