package dev.headroom.evaluation;

import dev.headroom.autoscaler.policy.PolicySpec;
import dev.headroom.autoscaler.policy.ScaleDownVoting;
import dev.headroom.autoscaler.signals.SaturationTargets;
import dev.headroom.autoscaler.signals.Signal;
import dev.headroom.autoscaler.signals.WindowConfig;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.SimRequest;
import dev.headroom.simulator.capacity.CapacityEstimator;
import dev.headroom.simulator.capacity.WorkloadShape;
import dev.headroom.simulator.cluster.ClusterConfig;
import dev.headroom.simulator.cluster.Controllers;
import dev.headroom.simulator.cluster.ReplicaController;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
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

    /** Headroom's rate target per replica as a share of the sustainable rate: the same 20 % room as KV's 0.80. */
    static final double RATE_TARGET_SHARE = 0.80;

    /**
     * The standard field, in report order: static peak, HPA on GPU utilisation at 60/70/80 %, queue only,
     * KV only, Headroom's default targets alone, Headroom configured as {@code policy.md} tells a user to
     * configure it, the oracle. The HPA and KEDA baselines run through {@code HpaCompatiblePolicy} with the
     * HPA's default behaviour and the HPA's voting ({@link ScaleDownVoting#EVERY_SIGNAL}); the Headroom rows
     * use Headroom's ({@link ScaleDownVoting#LOAD_SIGNALS}). Every policy but the static one starts with the
     * oracle's count for the first interval, so that none begins short or long.
     *
     * @param requests the scenario's requests: their mean lengths are the workload a user would give
     *                 {@code headroom capacity} to set the rate target
     */
    public static List<Contender> standard(ClusterConfig cluster, OraclePlan plan, List<SimRequest> requests) {
        PolicySpec bounds = PolicySpec.of(cluster.minReplicas(), cluster.maxReplicas());
        PolicySpec hpa = bounds.withScaleDownVoting(ScaleDownVoting.EVERY_SIGNAL);
        Duration scrape = Duration.ofNanos(Math.round(cluster.scrapeIntervalSeconds() * 1e9));
        WindowConfig window = WindowConfig.forScrapeInterval(scrape, SPAN);
        int peak = plan.peakReplicas();
        int start = plan.desiredAt(0);
        double rateTarget = rateTarget(cluster.engine(), requests);
        SaturationTargets configured = SaturationTargets.defaults().overriddenBy(
                Map.of(Signal.REQUESTS_PS.key(), String.format(Locale.ROOT, "%.2f", rateTarget)));
        double rounded = configured.get(Signal.REQUESTS_PS).orElseThrow();
        return List.of(
                new Contender("static-peak", "a fixed " + peak + " replicas: the most any interval needs", peak,
                        () -> Controllers.fixed(peak)),
                gpu(hpa, 0.60, window, start),
                gpu(hpa, 0.70, window, start),
                gpu(hpa, 0.80, window, start),
                new Contender("queue-only", "HPA on waiting requests per replica, target 4 (a common KEDA setup)", start,
                        () -> new SignalPolicyController(hpa.withTargets(
                                new SaturationTargets(Map.of(Signal.QUEUE, 4.0))), window)),
                new Contender("kv-only", "HPA on KV-cache utilisation, target 0.80", start,
                        () -> new SignalPolicyController(hpa.withTargets(
                                new SaturationTargets(Map.of(Signal.KV_UTILIZATION, 0.80))), window)),
                new Contender("headroom-defaults", "Headroom's default targets alone: KV 0.80, queue 4, TTFT p95 2 s,"
                        + " ITL p95 0.1 s", start, () -> new SignalPolicyController(bounds, window)),
                new Contender("headroom", String.format(Locale.ROOT, "Headroom as policy.md configures it: the default"
                        + " targets plus requests_ps %.2f per replica (0.80 × the %.2f req/s `headroom capacity`"
                        + " estimates for this engine and the trace's mean lengths)", rounded,
                        rounded / RATE_TARGET_SHARE), start,
                        () -> new SignalPolicyController(bounds.withTargets(configured), window)),
                new Contender("oracle", "knows every future arrival; the fewest replicas meeting the SLO per "
                        + "interval, cold start ahead", start, () -> view -> plan.desiredAt(view.nowSeconds())));
    }

    /**
     * {@value #RATE_TARGET_SHARE} × the sustainable requests/s that {@link CapacityEstimator} (the
     * {@code headroom capacity} command) estimates for {@code engine} and the mean prompt and output lengths of
     * {@code requests}: what a user following {@code policy.md} would set, knowing their engine and their mix.
     */
    static double rateTarget(EngineConfig engine, List<SimRequest> requests) {
        double prompt = 0;
        double output = 0;
        for (SimRequest r : requests) {
            prompt += r.promptTokens();
            output += r.outputTokens();
        }
        int n = Math.max(1, requests.size());
        double sustainable = CapacityEstimator.estimate(engine,
                new WorkloadShape(Math.max(1, prompt / n), Math.max(1, output / n))).requestsPerSecond();
        return RATE_TARGET_SHARE * sustainable;
    }

    private static Contender gpu(PolicySpec bounds, double target, WindowConfig window, int start) {
        int pct = (int) Math.round(target * 100);
        return new Contender("hpa-gpu-" + pct, "HPA on GPU utilisation (DCGM), target " + pct + " %", start,
                () -> new GpuUtilizationController(bounds, target, SPAN.toNanos() / 1e9, window.staleAfter()));
    }
}
