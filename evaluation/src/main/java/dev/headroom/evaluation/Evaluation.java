package dev.headroom.evaluation;

import dev.headroom.simulator.cluster.ClusterConfig;
import dev.headroom.simulator.cluster.ClusterRun;
import dev.headroom.simulator.cluster.ClusterSample;
import dev.headroom.simulator.cluster.ClusterSimulator;
import dev.headroom.simulator.cluster.ReplicaController;
import dev.headroom.simulator.cluster.ServedRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs every policy on the same scenario and reduces each run to a {@link PolicyResult}. Policies run on
 * {@code threads} threads at once; each run is deterministic on its own, so the results do not depend on
 * how they were scheduled.
 */
public final class Evaluation {

    private Evaluation() {
    }

    /** Plans the oracle (checking it by a whole run), then runs the standard field ({@link Contender#standard}). */
    public static EvaluationResult run(Scenario scenario, Consumer<PolicyResult> onFinished) {
        return run(scenario, HeadroomOverrides.NONE, onFinished);
    }

    /** As {@link #run(Scenario, Consumer)}, with {@code overrides} applied to the {@code headroom} row. */
    public static EvaluationResult run(Scenario scenario, HeadroomOverrides overrides,
                                       Consumer<PolicyResult> onFinished) {
        return run(scenario, overrides, ScaleInSetup.DEFAULTS, onFinished);
    }

    /**
     * As {@link #run(Scenario, HeadroomOverrides, Consumer)}, replicas leaving as {@code scaleIn} says: the oracle is
     * planned as before (its search drains every replica), then every policy, the oracle included, runs with the
     * grace period, Headroom's policies in the victim order given.
     */
    public static EvaluationResult run(Scenario scenario, HeadroomOverrides overrides, ScaleInSetup scaleIn,
                                       Consumer<PolicyResult> onFinished) {
        long start = System.nanoTime();
        OraclePlan plan = OraclePlan.compute(scenario);
        Scenario graced = new Scenario(scenario.options(), scenario.source(), scenario.replay(),
                scenario.cluster().withTerminationGraceSeconds(scaleIn.terminationGraceSeconds()), scenario.notes());
        return run(graced, plan, Contender.standard(graced.cluster(), plan, graced.requests(),
                graced.slo(), overrides, scaleIn.victimOrder()), onFinished, start);
    }

    /**
     * Runs {@code contenders} under {@code plan}.
     *
     * @param onFinished called once per policy as it finishes, from the thread that ran it (calls are serialised)
     * @param startNanos {@link System#nanoTime()} when the evaluation began, for its wall time
     */
    public static EvaluationResult run(Scenario scenario, OraclePlan plan, List<Contender> contenders,
            Consumer<PolicyResult> onFinished, long startNanos) {
        Objects.requireNonNull(onFinished, "onFinished");
        int threads = Math.min(scenario.options().threads(), Math.max(1, contenders.size()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "evaluation");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<PolicyResult>> futures = new ArrayList<>();
            for (Contender c : contenders) {
                futures.add(pool.submit(() -> {
                    PolicyResult result = runOne(scenario, c);
                    synchronized (onFinished) {
                        onFinished.accept(result);
                    }
                    return result;
                }));
            }
            List<PolicyResult> results = new ArrayList<>();
            for (Future<PolicyResult> f : futures) {
                results.add(f.get());
            }
            return new EvaluationResult(scenario, plan.capacityPerReplica(), plan.peakReplicas(), results,
                    (System.nanoTime() - startNanos) / 1e9, threads, plan.summary());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the evaluation was interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("a policy run failed: " + cause, cause);
        } finally {
            pool.shutdownNow();
        }
    }

    /** One policy's run on its own cluster. */
    static PolicyResult runOne(Scenario scenario, Contender contender) {
        ClusterConfig base = scenario.cluster();
        int initial = Math.max(base.minReplicas(), Math.min(base.maxReplicas(), contender.initialReplicas()));
        ClusterConfig config = base.withReplicas(initial, base.minReplicas(), base.maxReplicas());
        long t0 = System.nanoTime();
        ReplicaController controller = contender.controller().get();
        ClusterRun run = new ClusterSimulator(config).run(scenario.requests(), controller);
        double wall = (System.nanoTime() - t0) / 1e9;
        return reduce(contender, run, scenario.slo(), wall,
                controller instanceof SignalPolicyController s && s.drainAware());
    }

    static PolicyResult reduce(Contender contender, ClusterRun run, Slo slo, double wall) {
        return reduce(contender, run, slo, wall, false);
    }

    static PolicyResult reduce(Contender contender, ClusterRun run, Slo slo, double wall, boolean drainAware) {
        PolicyResult.Quantiles ttft = new PolicyResult.Quantiles(run.quantile(ServedRequest::ttftSeconds, 0.50),
                run.quantile(ServedRequest::ttftSeconds, 0.95), run.quantile(ServedRequest::ttftSeconds, 0.99));
        PolicyResult.Quantiles itl = new PolicyResult.Quantiles(run.quantile(ServedRequest::meanItlSeconds, 0.50),
                run.quantile(ServedRequest::meanItlSeconds, 0.95), run.quantile(ServedRequest::meanItlSeconds, 0.99));
        List<ClusterSample> series = run.series();
        int n = series.size();
        double[] seconds = new double[n];
        double[] rate = new double[n];
        int[] desired = new int[n];
        int[] ready = new int[n];
        int[] starting = new int[n];
        int most = 0;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            ClusterSample s = series.get(i);
            seconds[i] = s.timeSeconds();
            rate[i] = Double.isNaN(s.arrivalRate()) ? 0 : s.arrivalRate();
            desired[i] = s.desired();
            ready[i] = s.ready();
            starting[i] = s.starting();
            most = Math.max(most, s.desired());
            sum += s.desired();
        }
        return new PolicyResult(contender.name(), contender.description(), run.offered(), ttft, itl,
                run.sloAttainment(slo.ttftSeconds(), slo.itlSeconds()), run.gpuHours(), run.scaleEvents().size(), most,
                n == 0 ? Double.NaN : sum / n, wall,
                new PolicyResult.Timeline(seconds, rate, desired, ready, starting, PolicyResult.Timeline.perTick(seconds,
                        run.missedArrivals(slo.ttftSeconds(), slo.itlSeconds()))),
                new PolicyResult.ScaleInLoss(run.lost().size(), run.cutOff(), drainAware));
    }
}
