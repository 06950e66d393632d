package dev.headroom.evaluation;

import dev.headroom.autoscaler.loop.DecisionLoop;
import dev.headroom.autoscaler.loop.ScaleInMarks;
import dev.headroom.autoscaler.loop.ScaleInRanking;
import dev.headroom.autoscaler.loop.VictimMarker;
import dev.headroom.autoscaler.policy.ReplicaReport;
import dev.headroom.autoscaler.policy.HpaCompatiblePolicy;
import dev.headroom.autoscaler.policy.PolicySpec;
import dev.headroom.autoscaler.policy.WorkloadSnapshot;
import dev.headroom.signals.WindowConfig;
import dev.headroom.simulator.cluster.ClusterView;
import dev.headroom.simulator.cluster.ReplicaController;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Headroom's controller on a simulated cluster: sidecars read each replica's exposition at every scrape tick
 * ({@link SimulatedSidecars}), and at every control tick the production {@link DecisionLoop} runs one round: the
 * {@link HpaCompatiblePolicy} decides from the workload snapshot under {@code spec}, {@link SimulatedScale} (which
 * always succeeds) takes the new count, and the policy records the scale, exactly as the controller does after a
 * successful patch. The same class runs Headroom's multi-signal targets and the single-signal baselines
 * (queue only, KV only): only the spec's targets differ.
 *
 * <p>Drain-aware, it ranks the replicas before a scale-in as the controller does ({@link ScaleInRanking}, through
 * the loop's {@link VictimMarker}) and hands the ranks to the cluster as their {@code pod-deletion-cost}, so the
 * emptiest go first; the cost lives for that control tick, as the controller clears it once the scale-in settled.
 */
final class SignalPolicyController implements ReplicaController {

    static final String WORKLOAD = "evaluation";

    private final PolicySpec spec;
    private final VirtualClock clock = new VirtualClock();
    private final SimulatedScale scale = new SimulatedScale();
    private final DecisionLoop loop = new DecisionLoop(new HpaCompatiblePolicy(clock), scale);
    private final SimulatedSidecars sidecars;
    private final Duration maxAge;
    private final double warmUpSeconds;
    private final boolean drainAware;
    private Map<String, Integer> costs = Map.of();

    SignalPolicyController(PolicySpec spec, WindowConfig window) {
        this(spec, window, false);
    }

    /** @param drainAware whether it marks the emptiest replicas to go first on a scale-in */
    SignalPolicyController(PolicySpec spec, WindowConfig window, boolean drainAware) {
        this.drainAware = drainAware;
        // Two spans: the engines start idle and fill during the first; a window of finished requests (rates,
        // latencies) lags arrivals by a request's life, so only the second holds data a controller that had
        // been running all along would see.
        this.warmUpSeconds = 2 * window.maxSpan().toNanos() / 1e9;
        this.spec = Objects.requireNonNull(spec, "spec");
        this.sidecars = new SimulatedSidecars(window);
        this.maxAge = window.staleAfter();
    }

    @Override
    public void observe(ClusterView view) {
        Instant at = clock.set(view.nowSeconds());
        sidecars.scrape(view, at);
    }

    @Override
    public int desiredReplicas(ClusterView view) {
        Instant at = clock.set(view.nowSeconds());
        int current = scale.read(view);
        costs = Map.of();
        if (view.nowSeconds() < warmUpSeconds) {
            // The run starts with idle engines and empty windows; a controller that had been running before
            // the measured span would not see that, so the first two window spans only observe.
            return current;
        }
        List<ReplicaReport> reports = sidecars.reports(view, at);
        WorkloadSnapshot snapshot = WorkloadSnapshot.of(at, maxAge, reports);
        VictimMarker marker = !drainAware ? VictimMarker.NONE : (target, from, to) -> {
            ScaleInRanking ranking = ScaleInRanking.of(snapshot, reports);
            costs = ranking.costs();
            return new ScaleInMarks(ranking, from - to, true, "simulated pod-deletion-cost");
        };
        loop.run(WORKLOAD, SimulatedScale.TARGET, spec, current, snapshot, true, marker);
        return scale.replicas();
    }

    @Override
    public Map<String, Integer> deletionCosts() {
        return costs;
    }

    boolean drainAware() {
        return drainAware;
    }

    long expositionsParsed() {
        return sidecars.parsed();
    }
}
