package dev.headroom.evaluation;

import dev.headroom.autoscaler.loop.DecisionLoop;
import dev.headroom.autoscaler.policy.HpaCompatiblePolicy;
import dev.headroom.autoscaler.policy.PolicySpec;
import dev.headroom.autoscaler.policy.ReplicaReport;
import dev.headroom.autoscaler.policy.WorkloadSnapshot;
import dev.headroom.collectors.engine.EngineIdentity;
import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;
import dev.headroom.signals.Signals;
import dev.headroom.signals.WindowConfig;
import dev.headroom.simulator.cluster.ClusterView;
import dev.headroom.simulator.cluster.ReplicaController;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The Kubernetes HPA on one {@code External} metric with an {@code AverageValue} target, fed by a metrics adapter
 * that refreshes the value every {@code pollSeconds}: how KEDA drives the HPA (its Prometheus scaler's
 * {@code threshold} becomes the {@code AverageValue} target), and how llm-d's Workload Variant Autoscaler hands
 * its desired count to the HPA (a metric of that many replicas against a target of 1).
 *
 * <p>The value comes from the simulated sidecars ({@link SimulatedSidecars}: every ready replica's
 * {@code /metrics} text through the production reader into its window), summed over the replicas that report
 * it, as a Prometheus {@code sum(...)} over the pods' series would, and turned into the workload's metric by
 * {@link WorkloadMetric}. The HPA's arithmetic for an external {@code AverageValue} metric
 * ({@code GetExternalPerPodMetricReplicas}: usage ratio = value ÷ current replicas ÷ target; within the
 * tolerance keep the count, else {@code ceil(value ÷ target)}; no pod readiness enters) is reproduced through the
 * production {@link DecisionLoop} and {@link HpaCompatiblePolicy}: each of the current replicas is reported ready
 * with {@code value ÷ current} in a carrier signal's slot, so the policy's per-pod mean is the external
 * metric's per-replica usage. The carrier's name is not looked at by the arithmetic (as for
 * {@link GpuUtilizationController}); stabilisation and rate limits are the spec's. No value (no replica reports
 * the signal): every replica is reported with missing data, and the HPA holds, as on a failed metric read.
 *
 * <p>One controller per run, one thread.
 */
final class ExternalMetricController implements ReplicaController {

    /** The workload's external metric from the sidecars' snapshot: empty when it cannot be read. */
    @FunctionalInterface
    interface WorkloadMetric {
        OptionalDouble read(WorkloadSnapshot sidecars);
    }

    private static final EngineIdentity ADAPTER = EngineIdentity.of("external-metrics", "adapter");

    private final PolicySpec spec;
    private final Signal carrier;
    private final double pollSeconds;
    private final WorkloadMetric metric;
    private final double warmUpSeconds;
    private final Duration maxAge;
    private final VirtualClock clock = new VirtualClock();
    private final SimulatedScale scale = new SimulatedScale();
    private final DecisionLoop loop = new DecisionLoop(new HpaCompatiblePolicy(clock), scale);
    private final SimulatedSidecars sidecars;
    private double polledAt = Double.NEGATIVE_INFINITY;
    private OptionalDouble value = OptionalDouble.empty();

    /**
     * @param hpa         limits and behaviour (the HPA's defaults for these baselines); its targets are replaced
     * @param carrier     the signal slot the metric travels in
     * @param target      the {@code AverageValue} target per replica
     * @param pollSeconds how often the adapter refreshes the value (between polls the HPA reads the last one)
     * @param window      the sidecars' windows
     * @param metric      the workload metric from the sidecars' snapshot
     */
    ExternalMetricController(PolicySpec hpa, Signal carrier, double target, double pollSeconds, WindowConfig window,
                             WorkloadMetric metric) {
        if (!(target > 0) || !Double.isFinite(target)) {
            throw new IllegalArgumentException("an AverageValue target must be finite and > 0, was " + target);
        }
        if (!(pollSeconds > 0) || !Double.isFinite(pollSeconds)) {
            throw new IllegalArgumentException("the polling interval must be finite and > 0 seconds, was " + pollSeconds);
        }
        this.spec = hpa.withTargets(new SaturationTargets(Map.of(carrier, target)));
        this.carrier = carrier;
        this.pollSeconds = pollSeconds;
        this.metric = Objects.requireNonNull(metric, "metric");
        this.sidecars = new SimulatedSidecars(window);
        this.maxAge = window.staleAfter();
        // As SignalPolicyController: the engines fill during the first span, the second holds serving data.
        this.warmUpSeconds = 2 * window.maxSpan().toNanos() / 1e9;
    }

    /** The sum over reporting replicas of {@code signal}, as Prometheus' {@code sum(signal)}; empty if none reports it. */
    static OptionalDouble sum(WorkloadSnapshot snapshot, Signal signal) {
        return snapshot.get(signal).map(a -> OptionalDouble.of(a.sum())).orElse(OptionalDouble.empty());
    }

    @Override
    public void observe(ClusterView view) {
        Instant at = clock.set(view.nowSeconds());
        sidecars.scrape(view, at);
    }

    @Override
    public int desiredReplicas(ClusterView view) {
        double now = view.nowSeconds();
        Instant at = clock.set(now);
        int current = scale.read(view);
        if (now < warmUpSeconds) {
            return current;
        }
        if (now - polledAt >= pollSeconds - 1e-9) {
            value = metric.read(WorkloadSnapshot.of(at, maxAge, sidecars.reports(view, at)));
            polledAt = now;
        }
        int pods = Math.max(1, current);
        List<ReplicaReport> reports = new ArrayList<>(pods);
        for (int i = 0; i < pods; i++) {
            String pod = "replica-" + i;
            reports.add(value.isEmpty() ? ReplicaReport.readyMissing(pod)
                    : ReplicaReport.ready(pod, new Signals(at, ADAPTER,
                            Map.of(carrier, Math.max(0, value.getAsDouble()) / pods), false, Duration.ZERO, 1)));
        }
        loop.run(SignalPolicyController.WORKLOAD, SimulatedScale.TARGET, spec, current,
                WorkloadSnapshot.of(at, maxAge, reports), true);
        return scale.replicas();
    }

    /** The value the HPA read last; empty before the first poll or when it could not be read. */
    OptionalDouble lastValue() {
        return value;
    }
}
