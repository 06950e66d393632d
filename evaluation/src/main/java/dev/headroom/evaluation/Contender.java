package dev.headroom.evaluation;

import dev.headroom.autoscaler.policy.PolicySpec;
import dev.headroom.autoscaler.signals.SaturationTargets;
import dev.headroom.autoscaler.signals.Signal;
import dev.headroom.autoscaler.signals.WindowConfig;
import dev.headroom.simulator.cluster.ClusterConfig;
import dev.headroom.simulator.cluster.Controllers;
import dev.headroom.simulator.cluster.ReplicaController;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One policy under evaluation: a name, one line on what it does, the replicas it starts with, and a fresh
 * controller per run (controllers keep state).
 */
public record Contender(String name, String description, int initialReplicas, Supplier<ReplicaController> controller) {

    /** Window span of every signal- or utilisation-driven policy: {@link WindowConfig#DEFAULT_SPAN}. */
    static final Duration SPAN = WindowConfig.DEFAULT_SPAN;

    public Contender {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(controller, "controller");
        if (initialReplicas < 1) {
            throw new IllegalArgumentException("a contender starts with >= 1 replica, was " + initialReplicas);
        }
    }

    /**
     * The standard field, in report order: static peak, HPA on GPU utilisation at 60/70/80 %, queue only,
     * KV only, Headroom's default targets, the oracle. Every policy but the static and the oracle runs through
     * {@code HpaCompatiblePolicy} with the HPA's default behaviour, so they differ only in what they look at.
     * Every policy but the static one starts with the oracle's count for the first interval, so that none
     * begins short or long.
     */
    public static List<Contender> standard(ClusterConfig cluster, OraclePlan plan) {
        PolicySpec bounds = PolicySpec.of(cluster.minReplicas(), cluster.maxReplicas());
        Duration scrape = Duration.ofNanos(Math.round(cluster.scrapeIntervalSeconds() * 1e9));
        WindowConfig window = WindowConfig.forScrapeInterval(scrape, SPAN);
        int peak = plan.peakReplicas();
        int start = plan.desiredAt(0);
        return List.of(
                new Contender("static-peak", "a fixed " + peak + " replicas: the most any interval needs", peak,
                        () -> Controllers.fixed(peak)),
                gpu(bounds, 0.60, window, start),
                gpu(bounds, 0.70, window, start),
                gpu(bounds, 0.80, window, start),
                new Contender("queue-only", "HPA on waiting requests per replica, target 4 (a common KEDA setup)", start,
                        () -> new SignalPolicyController(bounds.withTargets(
                                new SaturationTargets(Map.of(Signal.QUEUE, 4.0))), window)),
                new Contender("kv-only", "HPA on KV-cache utilisation, target 0.80", start,
                        () -> new SignalPolicyController(bounds.withTargets(
                                new SaturationTargets(Map.of(Signal.KV_UTILIZATION, 0.80))), window)),
                new Contender("headroom", "Headroom's default targets: KV 0.80, queue 4, TTFT p95 2 s, ITL p95 0.1 s", start,
                        () -> new SignalPolicyController(bounds, window)),
                new Contender("oracle", "knows every future arrival; the fewest replicas meeting the SLO per "
                        + "interval, cold start ahead", start, () -> view -> plan.desiredAt(view.nowSeconds())));
    }

    private static Contender gpu(PolicySpec bounds, double target, WindowConfig window, int start) {
        int pct = (int) Math.round(target * 100);
        return new Contender("hpa-gpu-" + pct, "HPA on GPU utilisation (DCGM), target " + pct + " %", start,
                () -> new GpuUtilizationController(bounds, target, SPAN.toNanos() / 1e9, window.staleAfter()));
    }
}
