package dev.headroom.simulator.cluster;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The outcome of one cluster run.
 *
 * @param requests       every request, in input order
 * @param series         one sample per control tick
 * @param scaleEvents    every change of the replica count
 * @param replicas       every replica that ever existed, by id
 * @param endSeconds     when the last request finished (billing ends here for replicas still up)
 * @param gpusPerReplica GPUs per replica, for {@link #gpuHours()}
 * @param steps          engine steps taken over all replicas
 */
public record ClusterRun(
        List<ServedRequest> requests,
        List<ClusterSample> series,
        List<ScaleEvent> scaleEvents,
        List<ReplicaLifetime> replicas,
        double endSeconds,
        int gpusPerReplica,
        long steps) {

    public ClusterRun {
        requests = List.copyOf(requests);
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

    /** Share of requests with TTFT ≤ {@code ttftSeconds} and mean ITL ≤ {@code itlSeconds} (a one-token output meets any ITL). */
    public double sloAttainment(double ttftSeconds, double itlSeconds) {
        if (requests.isEmpty()) {
            return Double.NaN;
        }
        long ok = 0;
        for (ServedRequest r : requests) {
            double itl = r.meanItlSeconds();
            if (r.ttftSeconds() <= ttftSeconds && (Double.isNaN(itl) || itl <= itlSeconds)) {
                ok++;
            }
        }
        return (double) ok / requests.size();
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
