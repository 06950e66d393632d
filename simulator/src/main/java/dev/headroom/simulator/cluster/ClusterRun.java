package dev.headroom.simulator.cluster;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The outcome of one cluster run.
 *
 * @param requests       every request that finished, in input order
 * @param lost           every request a scale-in failed (its replica's grace period ended first), in the order they
 *                       were cut
 * @param series         one sample per control tick
 * @param scaleEvents    every change of the replica count
 * @param replicas       every replica that ever existed, by id
 * @param endSeconds     when the last request finished (billing ends here for replicas still up)
 * @param gpusPerReplica GPUs per replica, for {@link #gpuHours()}
 * @param steps          engine steps taken over all replicas
 */
public record ClusterRun(
        List<ServedRequest> requests,
        List<LostRequest> lost,
        List<ClusterSample> series,
        List<ScaleEvent> scaleEvents,
        List<ReplicaLifetime> replicas,
        double endSeconds,
        int gpusPerReplica,
        long steps) {

    /** A run in which no request was lost. */
    public ClusterRun(List<ServedRequest> requests, List<ClusterSample> series, List<ScaleEvent> scaleEvents,
                      List<ReplicaLifetime> replicas, double endSeconds, int gpusPerReplica, long steps) {
        this(requests, List.of(), series, scaleEvents, replicas, endSeconds, gpusPerReplica, steps);
    }

    public ClusterRun {
        requests = List.copyOf(requests);
        lost = List.copyOf(lost);
        series = List.copyOf(series);
        scaleEvents = List.copyOf(scaleEvents);
        replicas = List.copyOf(replicas);
    }

    /** Σ billed seconds over all replicas. */
    public double replicaSeconds() {
        double sum = 0;
        for (ReplicaLifetime r : replicas) {
            sum += r.billedSeconds();
        }
        return sum;
    }

    /** Replica-seconds × GPUs per replica ÷ 3600. */
    public double gpuHours() {
        return replicaSeconds() * gpusPerReplica / 3600.0;
    }

    /** Requests offered: finished and lost. */
    public int offered() {
        return requests.size() + lost.size();
    }

    /** Lost requests whose stream was cut off mid-generation ({@link LostRequest#cutOff()}). */
    public long cutOff() {
        return lost.stream().filter(LostRequest::cutOff).count();
    }

    /**
     * Share of requests offered with TTFT ≤ {@code ttftSeconds} and mean ITL ≤ {@code itlSeconds} (a one-token output
     * meets any ITL); a request lost to a scale-in meets nothing.
     */
    public double sloAttainment(double ttftSeconds, double itlSeconds) {
        if (offered() == 0) {
            return Double.NaN;
        }
        long ok = 0;
        for (ServedRequest r : requests) {
            double itl = r.meanItlSeconds();
            if (r.ttftSeconds() <= ttftSeconds && (Double.isNaN(itl) || itl <= itlSeconds)) {
                ok++;
            }
        }
        return (double) ok / offered();
    }

    /**
     * The arrival times of the requests that missed the SLO as {@link #sloAttainment} counts them (latency beyond
     * either objective, or lost to a scale-in), ascending.
     */
    public double[] missedArrivals(double ttftSeconds, double itlSeconds) {
        double[] missed = new double[offered()];
        int n = 0;
        for (ServedRequest r : requests) {
            double itl = r.meanItlSeconds();
            if (!(r.ttftSeconds() <= ttftSeconds && (Double.isNaN(itl) || itl <= itlSeconds))) {
                missed[n++] = r.arrivalSeconds();
            }
        }
        for (LostRequest r : lost) {
            missed[n++] = r.arrivalSeconds();
        }
        double[] sorted = Arrays.copyOf(missed, n);
        Arrays.sort(sorted);
        return sorted;
    }

    /**
     * The {@code q}-quantile (nearest rank) of a per-request figure, NaN values (unknown) left out; NaN when
     * none is known.
     */
    public double quantile(ToDoubleFunction<ServedRequest> figure, double q) {
        double[] v = new double[requests.size()];
        int n = 0;
        for (ServedRequest r : requests) {
            double x = figure.applyAsDouble(r);
            if (!Double.isNaN(x)) {
                v[n++] = x;
            }
        }
        if (n == 0) {
            return Double.NaN;
        }
        Arrays.sort(v, 0, n);
        int rank = (int) Math.ceil(q * n);
        return v[Math.max(0, Math.min(n - 1, rank - 1))];
    }
}
