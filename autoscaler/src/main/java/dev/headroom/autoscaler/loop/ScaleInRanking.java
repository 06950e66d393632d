package dev.headroom.autoscaler.loop;

import dev.headroom.autoscaler.policy.ReplicaReport;
import dev.headroom.autoscaler.policy.ReplicaState;
import dev.headroom.autoscaler.policy.WorkloadSnapshot;
import dev.headroom.signals.Signal;
import dev.headroom.signals.Signals;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Which replicas a scale-in should remove first: the emptiest. A replica's load is its requests in the engine,
 * running plus waiting, as its sidecar last read them; KV-cache use breaks ties (less cached context, less lost
 * work), then the pod name, so the same reports always give the same order.
 *
 * <p>Each replica gets a {@linkplain RankedReplica#cost() cost}: its place in that order, 0 for the emptiest.
 * Kubernetes' ReplicaSet controller removes the lowest {@code controller.kubernetes.io/pod-deletion-cost} first
 * (after pods that are unscheduled, pending or not Ready), so the costs are written there. A cost is a rank, not a
 * load, on purpose: it changes only when the order changes, so the annotations are rewritten only then.
 *
 * <p>A replica whose load is unknown (not ready by the controller's rules, its sidecar missing or stale, running or
 * waiting not reported) is never taken for empty: it ranks after every replica whose load is known, in name order,
 * and says why. Missing data is not zero load.
 *
 * @param replicas every reported replica, first to go first
 */
public record ScaleInRanking(List<RankedReplica> replicas) {

    /** No replicas: nothing to rank. */
    public static final ScaleInRanking EMPTY = new ScaleInRanking(List.of());

    public ScaleInRanking {
        replicas = List.copyOf(replicas);
        for (int i = 0; i < replicas.size(); i++) {
            if (replicas.get(i).cost() != i) {
                throw new IllegalArgumentException("replica " + replicas.get(i).pod() + " is ranked " + i
                        + " but costs " + replicas.get(i).cost());
            }
        }
    }

    /**
     * One replica's place.
     *
     * @param pod      the pod (replica) name
     * @param cost     its rank, 0 for the first to go
     * @param running  requests running in its engine; NaN when unknown
     * @param waiting  requests waiting in its engine; NaN when unknown
     * @param kv       KV-cache use, 0 to 1; NaN when unknown
     * @param unknown  why its load is unknown, empty when it is known
     */
    public record RankedReplica(String pod, int cost, double running, double waiting, double kv, String unknown) {

        public RankedReplica {
            Objects.requireNonNull(pod, "pod");
            Objects.requireNonNull(unknown, "unknown");
        }

        /** Whether its load was read (running and waiting both known). */
        public boolean loadKnown() {
            return unknown.isEmpty();
        }

        /** Running plus waiting; NaN when unknown. */
        public double load() {
            return running + waiting;
        }

        /** Why it ranks where it does, e.g. {@code running 2 + waiting 0, kv 0.10}. */
        public String why() {
            if (!loadKnown()) {
                return "load unknown (" + unknown + "), kept";
            }
            return String.format(Locale.ROOT, "running %s + waiting %s, kv %s", whole(running), whole(waiting),
                    Double.isNaN(kv) ? "unknown" : String.format(Locale.ROOT, "%.2f", kv));
        }

        private static String whole(double v) {
            return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
        }
    }

    /**
     * Ranks the replicas of {@code reports}, each classified as {@code snapshot} classified it (fresh or not).
     *
     * @throws IllegalArgumentException when a report names a pod the snapshot does not hold
     */
    public static ScaleInRanking of(WorkloadSnapshot snapshot, Collection<ReplicaReport> reports) {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(reports, "reports");
        List<RankedReplica> known = new ArrayList<>();
        List<RankedReplica> unknown = new ArrayList<>();
        for (ReplicaReport r : reports) {
            ReplicaState state = snapshot.replicas().get(r.pod());
            if (state == null) {
                throw new IllegalArgumentException("pod '" + r.pod() + "' is not in the workload's snapshot");
            }
            String why = switch (state) {
                case NOT_READY -> "not ready";
                case READY_MISSING -> "no fresh signals";
                case READY_FRESH -> "";
            };
            double running = Double.NaN;
            double waiting = Double.NaN;
            double kv = Double.NaN;
            if (why.isEmpty()) {
                Signals s = r.signals().orElseThrow();
                running = value(s.get(Signal.RUNNING));
                waiting = value(s.get(Signal.QUEUE));
                kv = value(s.get(Signal.KV_UTILIZATION));
                if (Double.isNaN(running) || Double.isNaN(waiting)) {
                    why = "running or waiting not reported";
                }
            }
            (why.isEmpty() ? known : unknown).add(new RankedReplica(r.pod(), 0, running, waiting, kv, why));
        }
        known.sort(Comparator.comparingDouble(RankedReplica::load)
                .thenComparingDouble(x -> Double.isNaN(x.kv()) ? Double.POSITIVE_INFINITY : x.kv())
                .thenComparing(RankedReplica::pod));
        unknown.sort(Comparator.comparing(RankedReplica::pod));
        List<RankedReplica> ranked = new ArrayList<>(known.size() + unknown.size());
        for (RankedReplica x : known) {
            ranked.add(new RankedReplica(x.pod(), ranked.size(), x.running(), x.waiting(), x.kv(), x.unknown()));
        }
        for (RankedReplica x : unknown) {
            ranked.add(new RankedReplica(x.pod(), ranked.size(), x.running(), x.waiting(), x.kv(), x.unknown()));
        }
        return new ScaleInRanking(ranked);
    }

    private static double value(OptionalDouble v) {
        return v.isPresent() ? v.getAsDouble() : Double.NaN;
    }

    /** Pod name → cost, in rank order. */
    public Map<String, Integer> costs() {
        Map<String, Integer> costs = new LinkedHashMap<>();
        for (RankedReplica r : replicas) {
            costs.put(r.pod(), r.cost());
        }
        return costs;
    }

    /** The first {@code n} to go (fewer when fewer are ranked). */
    public List<RankedReplica> first(int n) {
        return replicas.subList(0, Math.max(0, Math.min(n, replicas.size())));
    }

    public boolean isEmpty() {
        return replicas.isEmpty();
    }
}
