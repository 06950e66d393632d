package dev.headroom.evaluation;

import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.SimRequest;
import dev.headroom.simulator.capacity.CapacityEstimator;
import dev.headroom.simulator.capacity.WorkloadShape;
import dev.headroom.simulator.cluster.ClusterConfig;
import dev.headroom.simulator.cluster.ClusterRun;
import dev.headroom.simulator.cluster.ClusterSimulator;
import dev.headroom.simulator.cluster.Controllers;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What an operator who knew the future would provision: the replica count for each control interval.
 *
 * <ol>
 *   <li><b>SLO capacity of a replica</b>, measured, not assumed: {@value #PROBE_REPLICAS} replicas behind the
 *       scenario's balancer, no cold start, Poisson arrivals with prompt and output lengths drawn from the
 *       scenario's own requests (seeded), for {@value #PROBE_SECONDS} s; bisection over the rate for the
 *       highest at which the SLO's attainment target is met. That rate ÷ replicas is {@code c}, requests/s
 *       per replica.</li>
 *   <li><b>Need per interval</b>: arrivals in each control interval ÷ its length ÷ c, rounded up.</li>
 *   <li><b>Desired at tick t</b>: the largest need from t to t + cold start + one interval. A replica asked
 *       for at t serves from t + cold start, so capacity for any interval in that horizon must already be
 *       there or on its way; scaling down earlier would leave a gap no later decision could fill.</li>
 * </ol>
 * Static peak provisioning is the largest need of the run, held throughout. The oracle knows every arrival
 * (count, not lengths) ahead of time; it is bounded by the accuracy of {@code c}, not by reaction time.
 */
public final class OraclePlan {

    static final int PROBE_REPLICAS = 2;
    static final double PROBE_SECONDS = 240;
    private static final int BISECTIONS = 7;

    private final double capacityPerReplica;
    private final double intervalSeconds;
    private final int[] need;
    private final int[] desired;
    private final int peak;

    private OraclePlan(double capacityPerReplica, double intervalSeconds, int[] need, int[] desired, int peak) {
        this.capacityPerReplica = capacityPerReplica;
        this.intervalSeconds = intervalSeconds;
        this.need = need;
        this.desired = desired;
        this.peak = peak;
    }

    /** Measures the per-replica SLO capacity (see the class comment), then plans. */
    public static OraclePlan compute(Scenario scenario) {
        double c = sloCapacityPerReplica(scenario.cluster(), scenario.requests(), scenario.slo(), scenario.seed());
        return plan(scenario.requests(), c, scenario.cluster());
    }

    /** The plan for a known per-replica capacity {@code c} (requests/s). */
    public static OraclePlan plan(List<SimRequest> requests, double c, ClusterConfig cluster) {
        if (!(c > 0) || !Double.isFinite(c)) {
            throw new IllegalArgumentException("per-replica capacity must be finite and > 0, was " + c);
        }
        double interval = cluster.controlIntervalSeconds();
        double end = requests.isEmpty() ? 0 : requests.get(requests.size() - 1).arrivalSeconds();
        int buckets = (int) Math.floor(end / interval) + 1;
        int[] counts = new int[buckets];
        for (SimRequest r : requests) {
            counts[(int) Math.floor(r.arrivalSeconds() / interval)]++;
        }
        int[] need = new int[buckets];
        int peak = cluster.minReplicas();
        for (int k = 0; k < buckets; k++) {
            need[k] = clamp((int) Math.ceil(counts[k] / interval / c - 1e-9), cluster);
            peak = Math.max(peak, need[k]);
        }
        int ahead = (int) Math.ceil(cluster.coldStartSeconds() / interval);
        int[] desired = new int[buckets];
        for (int k = 0; k < buckets; k++) {
            int most = cluster.minReplicas();
            for (int m = k; m <= Math.min(buckets - 1, k + ahead); m++) {
                most = Math.max(most, need[m]);
            }
            desired[k] = most;
        }
        return new OraclePlan(c, interval, need, desired, peak);
    }

    private static int clamp(int n, ClusterConfig cluster) {
        return Math.max(cluster.minReplicas(), Math.min(cluster.maxReplicas(), n));
    }

    /**
     * The highest Poisson rate per replica at which {@value #PROBE_REPLICAS} replicas meet the SLO's
     * attainment target, lengths drawn from {@code mix}.
     */
    static double sloCapacityPerReplica(ClusterConfig cluster, List<SimRequest> mix, Slo slo, long seed) {
        if (mix.isEmpty()) {
            throw new IllegalArgumentException("the scenario has no requests to measure a replica's capacity with");
        }
        EngineConfig engine = cluster.engine();
        double prompt = 0;
        double output = 0;
        for (SimRequest r : mix) {
            prompt += r.promptTokens();
            output += r.outputTokens();
        }
        double estimate = CapacityEstimator.estimate(engine,
                new WorkloadShape(Math.max(1, prompt / mix.size()), Math.max(1, output / mix.size())))
                .requestsPerSecond();
        ClusterSimulator probe = new ClusterSimulator(cluster.withReplicas(PROBE_REPLICAS, PROBE_REPLICAS,
                Math.max(PROBE_REPLICAS, cluster.maxReplicas())).withColdStartSeconds(0));
        double lo = 0;
        double hi = estimate * 1.2;
        for (int i = 0; i < BISECTIONS; i++) {
            double mid = (lo + hi) / 2;
            List<SimRequest> load = poisson(mid * PROBE_REPLICAS, PROBE_SECONDS, mix, seed);
            ClusterRun run = probe.run(load, Controllers.fixed(PROBE_REPLICAS));
            if (run.sloAttainment(slo.ttftSeconds(), slo.itlSeconds()) >= slo.attainmentTarget()) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        if (lo == 0) {
            throw new IllegalArgumentException("no request rate meets the SLO (TTFT ≤ " + slo.ttftSeconds()
                    + " s, ITL ≤ " + slo.itlSeconds() + " s) on this engine even nearly idle");
        }
        return lo;
    }

    private static List<SimRequest> poisson(double rate, double seconds, List<SimRequest> mix, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<SimRequest> out = new ArrayList<>();
        double t = 0;
        while (true) {
            t += -Math.log(1 - random.nextDouble()) / rate;
            if (t >= seconds) {
                return out;
            }
            SimRequest like = mix.get(random.nextInt(mix.size()));
            out.add(new SimRequest(out.size(), t, like.promptTokens(), like.outputTokens()));
        }
    }

    /** Requests/s one replica serves within the SLO (measured). */
    public double capacityPerReplica() {
        return capacityPerReplica;
    }

    /** The most replicas any interval needs: static peak provisioning. */
    public int peakReplicas() {
        return peak;
    }

    /** The oracle's replica count at {@code seconds}. */
    public int desiredAt(double seconds) {
        int k = (int) Math.floor(seconds / intervalSeconds + 1e-9);
        if (k < 0) {
            k = 0;
        }
        return k < desired.length ? desired[k] : desired[desired.length - 1];
    }

    /** Replicas the interval starting at {@code seconds} needs (no look-ahead). */
    public int needAt(double seconds) {
        int k = Math.max(0, (int) Math.floor(seconds / intervalSeconds + 1e-9));
        return k < need.length ? need[k] : need[need.length - 1];
    }
}
