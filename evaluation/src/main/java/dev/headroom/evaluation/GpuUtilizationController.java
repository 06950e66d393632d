package dev.headroom.evaluation;

import dev.headroom.autoscaler.loop.DecisionLoop;
import dev.headroom.autoscaler.policy.HpaCompatiblePolicy;
import dev.headroom.autoscaler.policy.PolicySpec;
import dev.headroom.autoscaler.policy.ReplicaReport;
import dev.headroom.autoscaler.policy.WorkloadSnapshot;
import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;
import dev.headroom.signals.Signals;
import dev.headroom.collectors.engine.EngineIdentity;
import dev.headroom.simulator.cluster.ClusterView;
import dev.headroom.simulator.cluster.ReplicaController;
import dev.headroom.simulator.cluster.ReplicaView;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The Kubernetes HPA on GPU utilisation, as it is commonly set up: DCGM's {@code DCGM_FI_DEV_GPU_UTIL} per pod
 * through a metrics adapter, a {@code Pods} metric with an {@code AverageValue} target (e.g. 70 %).
 *
 * <p>The arithmetic is the HPA's own ({@code calcPlainMetricReplicas} then the behaviour's stabilisation and
 * rate limits), run by the same {@link HpaCompatiblePolicy} that runs Headroom's targets, through the same
 * {@link DecisionLoop} as {@link SignalPolicyController}. GPU utilisation is deliberately not a Headroom
 * {@link Signal}, so it travels through the slot of a mean-aggregated ratio signal ({@code kv_utilization})
 * whose target is the utilisation target: the policy's arithmetic never looks at what a number means, only at
 * the per-pod mean against the target. Each pod's value is the mean of its NVML readings (busy share of the
 * last second) at the scrape ticks of the last {@code spanSeconds}, as an adapter query over a short range
 * would give.
 */
final class GpuUtilizationController implements ReplicaController {

    private static final EngineIdentity GPU = EngineIdentity.of("nvml", "gpu");

    private final PolicySpec spec;
    private final double spanSeconds;
    private final double warmUpSeconds;
    private final Duration maxAge;
    private final VirtualClock clock = new VirtualClock();
    private final SimulatedScale scale = new SimulatedScale();
    private final DecisionLoop loop = new DecisionLoop(new HpaCompatiblePolicy(clock), scale);
    private final Map<Integer, Readings> readings = new HashMap<>();

    /** One pod's recent readings, oldest first. */
    private static final class Readings {
        final double[] times = new double[256];
        final double[] values = new double[256];
        int head;
        int size;

        void add(double t, double v, double span) {
            if (size == times.length) {
                head = (head + 1) % times.length;
                size--;
            }
            int slot = (head + size) % times.length;
            times[slot] = t;
            values[slot] = v;
            size++;
            while (size > 1 && t - times[head] > span) {
                head = (head + 1) % times.length;
                size--;
            }
        }

        double mean() {
            double sum = 0;
            for (int i = 0; i < size; i++) {
                sum += values[(head + i) % values.length];
            }
            return sum / size;
        }

        double newest() {
            return times[(head + size - 1) % times.length];
        }
    }

    /**
     * @param target      the utilisation target, a fraction in (0, 1]
     * @param spanSeconds readings averaged per pod
     * @param maxAge      readings older than this at a decision count as missing
     */
    GpuUtilizationController(PolicySpec bounds, double target, double spanSeconds, Duration maxAge) {
        this.spec = bounds.withTargets(new SaturationTargets(Map.of(Signal.KV_UTILIZATION, target)));
        this.spanSeconds = spanSeconds;
        this.warmUpSeconds = 2 * spanSeconds; // as SignalPolicyController: engines fill, then a window of serving data
        this.maxAge = maxAge;
    }

    @Override
    public void observe(ClusterView view) {
        double now = view.nowSeconds();
        List<ReplicaView> replicas = view.replicas();
        if (readings.size() > replicas.size()) {
            java.util.Set<Integer> live = new java.util.HashSet<>();
            replicas.forEach(r -> live.add(r.id()));
            readings.keySet().retainAll(live);
        }
        for (ReplicaView r : replicas) {
            OptionalDouble u = r.gpuUtilization();
            if (u.isPresent()) {
                readings.computeIfAbsent(r.id(), id -> new Readings()).add(now, u.getAsDouble(), spanSeconds);
            }
        }
    }

    @Override
    public int desiredReplicas(ClusterView view) {
        Instant at = clock.set(view.nowSeconds());
        int current = scale.read(view);
        if (view.nowSeconds() < warmUpSeconds) {
            // The run starts with idle engines and empty windows; a controller that had been running before
            // the measured span would not see that, so the first window's span only observes.
            return current;
        }
        List<ReplicaReport> reports = new ArrayList<>();
        for (ReplicaView r : view.replicas()) {
            Readings g = readings.get(r.id());
            if (!r.ready()) {
                reports.add(ReplicaReport.notReady(r.name()));
            } else if (g == null || g.size == 0) {
                reports.add(ReplicaReport.readyMissing(r.name()));
            } else {
                Duration age = Duration.ofNanos(Math.round((view.nowSeconds() - g.newest()) * 1e9));
                reports.add(ReplicaReport.ready(r.name(), new Signals(at, GPU,
                        Map.of(Signal.KV_UTILIZATION, g.mean()), false, age, g.size)));
            }
        }
        WorkloadSnapshot snapshot = WorkloadSnapshot.of(at, maxAge, reports);
        loop.run(SignalPolicyController.WORKLOAD, SimulatedScale.TARGET, spec, current, snapshot, true);
        return scale.replicas();
    }
}
