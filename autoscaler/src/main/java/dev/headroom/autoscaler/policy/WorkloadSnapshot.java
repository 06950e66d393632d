package dev.headroom.autoscaler.policy;

import dev.headroom.signals.Signal;
import dev.headroom.signals.Signals;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * A workload's replica reports at one instant, aggregated per signal.
 *
 * <p>Each pod is classified ({@link ReplicaState}); only ready pods with fresh signals contribute values.
 * Signals are fresh when the sidecar did not mark them stale and the newest sample behind them is at most
 * {@code maxAge} old at {@code at} (a cached poll result ages too). A pod with a rejected reading, or a value its
 * signal cannot have (negative, a ratio above 1), counts as missing data, never as a clamped zero: the controller
 * never scales down on a reading it would not scale up on.
 *
 * @param at       when the snapshot was taken
 * @param replicas every pod by name (sorted) and how it counts
 * @param signals  per signal known on at least one ready, fresh pod, its aggregate
 * @param filling  ready, fresh pods whose sidecar window holds fewer samples than the fullest pod's less one: a
 *                 replica that came ready moments ago. Its rates are read over the seconds it has, the others'
 *                 over the whole window, so their sum is no workload total: requests routed to the older
 *                 replicas before it came ready are still in their windows, and the same load, now routed to
 *                 it, is counted again (a sum up to twice the load, for one window's span)
 */
public record WorkloadSnapshot(Instant at, Map<String, ReplicaState> replicas, Map<Signal, SignalAggregate> signals,
                               int filling) {

    public WorkloadSnapshot {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(replicas, "replicas");
        Objects.requireNonNull(signals, "signals");
        replicas = Collections.unmodifiableMap(new TreeMap<>(replicas));
        EnumMap<Signal, SignalAggregate> copy = new EnumMap<>(Signal.class);
        copy.putAll(signals);
        int fresh = (int) replicas.values().stream().filter(s -> s == ReplicaState.READY_FRESH).count();
        copy.forEach((signal, aggregate) -> {
            if (aggregate.signal() != signal) {
                throw new IllegalArgumentException("aggregate of " + aggregate.signal().key() + " filed under "
                        + signal.key());
            }
            if (aggregate.reporting() > fresh) {
                throw new IllegalArgumentException(signal.key() + " reported by " + aggregate.reporting()
                        + " pods but only " + fresh + " are ready and fresh");
            }
        });
        signals = Collections.unmodifiableMap(copy);
        if (filling < 0 || filling > fresh) {
            throw new IllegalArgumentException("pods with a filling window must be 0 to the " + fresh
                    + " ready and fresh, got " + filling);
        }
    }

    /**
     * Classifies each report and aggregates the fresh values.
     *
     * @param now     the instant of the snapshot
     * @param maxAge  the oldest data that still counts as fresh
     * @param reports one report per pod of the workload
     * @throws IllegalArgumentException when two reports name the same pod
     */
    public static WorkloadSnapshot of(Instant now, Duration maxAge, Collection<ReplicaReport> reports) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(reports, "reports");
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("maxAge must be positive, got " + maxAge);
        }
        Map<String, ReplicaState> states = new TreeMap<>();
        int[] windowSamples = new int[reports.size()];
        int freshPods = 0;
        EnumMap<Signal, double[]> acc = new EnumMap<>(Signal.class); // {count, sum, max, sumMilli, min}
        for (ReplicaReport report : reports) {
            ReplicaState state = classify(report, now, maxAge);
            if (states.putIfAbsent(report.pod(), state) != null) {
                throw new IllegalArgumentException("two replica reports for pod '" + report.pod() + "'");
            }
            if (state != ReplicaState.READY_FRESH) {
                continue;
            }
            windowSamples[freshPods++] = report.signals().orElseThrow().samples();
            report.signals().orElseThrow().values().forEach((signal, v) -> {
                double[] a = acc.computeIfAbsent(signal, s -> new double[] {0, 0, 0, 0, Double.POSITIVE_INFINITY});
                a[0]++;
                a[1] += v;
                a[2] = Math.max(a[2], v);
                a[3] += SignalAggregate.toMilli(v);
                a[4] = Math.min(a[4], v);
            });
        }
        EnumMap<Signal, SignalAggregate> aggregates = new EnumMap<>(Signal.class);
        acc.forEach((signal, a) -> aggregates.put(signal,
                new SignalAggregate(signal, Aggregation.of(signal), (int) a[0], a[1], Math.min(a[2], a[1]),
                        Math.min(a[4], Math.min(a[2], a[1])), (long) a[3])));
        return new WorkloadSnapshot(now, states, aggregates, filling(windowSamples, freshPods));
    }

    /**
     * Pods whose window holds fewer samples than the fullest one's less one. Less one: sidecars that scrape at the
     * same interval but out of phase hold one sample more or less over the same span.
     */
    private static int filling(int[] windowSamples, int pods) {
        int fullest = 0;
        for (int i = 0; i < pods; i++) {
            fullest = Math.max(fullest, windowSamples[i]);
        }
        int filling = 0;
        for (int i = 0; i < pods; i++) {
            if (windowSamples[i] < fullest - 1) {
                filling++;
            }
        }
        return filling;
    }

    private static ReplicaState classify(ReplicaReport report, Instant now, Duration maxAge) {
        if (!report.ready()) {
            return ReplicaState.NOT_READY;
        }
        Optional<Signals> signals = report.signals();
        if (signals.isEmpty() || signals.get().stale()) {
            return ReplicaState.READY_MISSING;
        }
        Signals s = signals.get();
        if (!s.rejected().isEmpty() || hasInvalidValue(s)) {
            // A reading the controller would not scale up on (a queue of −50, a KV ratio of 7, one the sidecar
            // rejected) is never clamped to idle: the pod is missing data, so that no signal proposes a scale-down.
            return ReplicaState.READY_MISSING;
        }
        // The newest sample was taken at (at − age); its age now is what decides freshness.
        Duration dataAge = Duration.between(s.at().minus(s.age()), now);
        return dataAge.compareTo(maxAge) <= 0 ? ReplicaState.READY_FRESH : ReplicaState.READY_MISSING;
    }

    private static boolean hasInvalidValue(Signals s) {
        for (Map.Entry<Signal, Double> e : s.values().entrySet()) {
            if (e.getKey().invalid(e.getValue()).isPresent()) {
                return true;
            }
        }
        return false;
    }

    /** The aggregate of one signal, empty when no ready pod reported it fresh. */
    public Optional<SignalAggregate> get(Signal signal) {
        return Optional.ofNullable(signals.get(signal));
    }

    /** Ready pods with fresh signals. */
    public int readyFresh() {
        return count(ReplicaState.READY_FRESH);
    }

    /** Ready pods whose signals are missing or stale. */
    public int readyMissing() {
        return count(ReplicaState.READY_MISSING);
    }

    /** Pods not ready yet. */
    public int notReady() {
        return count(ReplicaState.NOT_READY);
    }

    /**
     * The workload total of {@code signal} when every ready pod reported it fresh over a settled window; empty
     * otherwise (a pod missing, stale, without a value for it, or {@linkplain #filling() filling} its window).
     * Rules that read a workload total as a measurement (what the replicas finish, what arrives) need all of it:
     * a part would read as less load, and a sum over windows of different spans as more.
     */
    OptionalDouble completeTotal(Signal signal) {
        SignalAggregate aggregate = signals.get(signal);
        if (aggregate == null || !complete(aggregate.reporting())) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(aggregate.workloadValue());
    }

    /**
     * Whether a signal that {@code reporting} pods reported is a reading of the whole workload that rules may learn
     * from: every ready pod reported it fresh, and no pod's window is still {@linkplain #filling() filling}.
     */
    boolean complete(int reporting) {
        int pods = readyFresh();
        return pods > 0 && readyMissing() == 0 && filling == 0 && reporting == pods;
    }

    private int count(ReplicaState state) {
        int n = 0;
        for (ReplicaState s : replicas.values()) {
            if (s == state) {
                n++;
            }
        }
        return n;
    }
}
