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
 */
public record WorkloadSnapshot(Instant at, Map<String, ReplicaState> replicas, Map<Signal, SignalAggregate> signals) {

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
        EnumMap<Signal, double[]> acc = new EnumMap<>(Signal.class); // {count, sum, max, sumMilli, min}
        for (ReplicaReport report : reports) {
            ReplicaState state = classify(report, now, maxAge);
            if (states.putIfAbsent(report.pod(), state) != null) {
                throw new IllegalArgumentException("two replica reports for pod '" + report.pod() + "'");
            }
            if (state != ReplicaState.READY_FRESH) {
                continue;
            }
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
        return new WorkloadSnapshot(now, states, aggregates);
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
     * The workload total of {@code signal} when every ready pod reported it fresh; empty otherwise (a pod
     * missing, stale or without a value for it). Rules that read a workload total as a measurement (what the
     * replicas finish, what arrives) need all of it: a part would read as less load.
     */
    OptionalDouble completeTotal(Signal signal) {
        SignalAggregate aggregate = signals.get(signal);
        int pods = readyFresh();
        if (aggregate == null || pods == 0 || readyMissing() > 0 || aggregate.reporting() != pods) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(aggregate.workloadValue());
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
