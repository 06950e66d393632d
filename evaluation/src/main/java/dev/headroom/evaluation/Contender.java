package dev.headroom.evaluation;

import dev.headroom.autoscaler.policy.Behavior;
import dev.headroom.autoscaler.policy.LoadForecast;
import dev.headroom.autoscaler.policy.PolicySpec;
import dev.headroom.autoscaler.policy.ScaleDownVoting;
import dev.headroom.autoscaler.policy.ScalingRules;
import dev.headroom.autoscaler.policy.SloSpec;
import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;
import dev.headroom.signals.WindowConfig;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.SimRequest;
import dev.headroom.simulator.capacity.CapacityEstimator;
import dev.headroom.simulator.capacity.WorkloadShape;
import dev.headroom.simulator.cluster.ClusterConfig;
import dev.headroom.simulator.cluster.Controllers;
import dev.headroom.simulator.cluster.ReplicaController;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
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

    /** Headroom's arrivals target per replica as a share of the sustainable rate: the one {@code policy.md} gives. */
    public static final double RATE_TARGET_SHARE = SaturationTargets.RATE_TARGET_SHARE;

    /**
     * The standard field, in report order: static peak, HPA on GPU utilisation at 60/70/80 %, queue only,
     * KV only, Headroom's default targets alone, Headroom configured as {@code policy.md} tells a user to
     * configure it (its SLO in the spec beside the hand targets, which override what the SLO would learn),
     * Headroom given only the SLO ({@code headroom-slo}), the oracle. The HPA and KEDA baselines run through {@code HpaCompatiblePolicy} with the
     * HPA's default behaviour and the HPA's voting ({@link ScaleDownVoting#EVERY_SIGNAL}); the Headroom rows
     * use Headroom's ({@link ScaleDownVoting#LOAD_SIGNALS}). Every policy but the static one starts with the
     * oracle's count for the first interval, so that none begins short or long.
     *
     * @param requests the scenario's requests: their mean lengths are the workload a user would give
     *                 {@code headroom capacity} to set the rate target
     * @param slo      the SLO the run is judged by: a user writes Headroom's latency targets in its terms
     */
    public static List<Contender> standard(ClusterConfig cluster, OraclePlan plan, List<SimRequest> requests,
                                           Slo slo) {
        return standard(cluster, plan, requests, slo, HeadroomOverrides.NONE);
    }

    /**
     * The standard field with {@code overrides} applied to the {@code headroom} row (its description says which).
     *
     * @throws dev.headroom.signals.InvalidTargetsException for a bad target override
     */
    public static List<Contender> standard(ClusterConfig cluster, OraclePlan plan, List<SimRequest> requests,
                                           Slo slo, HeadroomOverrides overrides) {
        return standard(cluster, plan, requests, slo, overrides, ScaleInSetup.VictimOrder.DRAIN_AWARE);
    }

    /**
     * The standard field with {@code overrides} applied to the {@code headroom} row, Headroom's rows marking the
     * emptiest replicas to go first on a scale-in when {@code victims} is {@code DRAIN_AWARE}.
     */
    public static List<Contender> standard(ClusterConfig cluster, OraclePlan plan, List<SimRequest> requests,
                                           Slo slo, HeadroomOverrides overrides, ScaleInSetup.VictimOrder victims) {
        boolean drain = victims == ScaleInSetup.VictimOrder.DRAIN_AWARE;
        PolicySpec bounds = PolicySpec.of(cluster.minReplicas(), cluster.maxReplicas());
        PolicySpec hpa = bounds.withScaleDownVoting(ScaleDownVoting.EVERY_SIGNAL);
        Duration scrape = Duration.ofNanos(Math.round(cluster.scrapeIntervalSeconds() * 1e9));
        WindowConfig window = WindowConfig.forScrapeInterval(scrape, SPAN);
        int peak = plan.peakReplicas();
        int start = plan.desiredAt(0);
        PolicySpec documented = configured(bounds, cluster, requests, slo);
        double rounded = documented.targets().get(Signal.ARRIVALS_PS).orElseThrow();
        long lead = documented.forecast().leadTime().toSeconds();
        PolicySpec configured = overrides.applyTo(documented);
        PolicySpec sloOnlySpec = sloOnly(bounds, cluster, slo);
        PolicySpec sloOnlyConfigured = overrides.applyTo(sloOnlySpec);
        String changed = overrides.isEmpty() ? "" : "; changed for this run: " + overrides.describe();
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
                        + " ITL p95 0.1 s, and the arrivals target it learns when an alarm fires; the HPA's 300 s"
                        + " window, no forecast", start, () -> new SignalPolicyController(bounds, window, drain)),
                new Contender("headroom", String.format(Locale.ROOT, "Headroom as policy.md configures it:"
                        + " arrivals_ps %s per replica (%.2f × the %s req/s `headroom capacity` estimates for this"
                        + " engine and the trace's mean lengths), latency alarms in the SLO's terms (ttft_p95 %s s,"
                        + " itl_mean %s s in place of itl_p95), KV 0.80 and queue 4 as default; forecast %d s ahead"
                        + " (cold start + one decision interval), scale-down window %d s%s", Numbers.plain(rounded),
                        RATE_TARGET_SHARE, Numbers.plain(rounded / RATE_TARGET_SHARE), number(slo.ttftSeconds()),
                        number(slo.itlSeconds()), lead, lead, changed),
                        start, () -> new SignalPolicyController(configured, window, drain)),
                new Contender("headroom-slo", String.format(Locale.ROOT, "Headroom given only the SLO as its spec"
                        + " (%s): latency alarms from it, the arrivals_ps target learned online as the load at which"
                        + " the SLO is just met (no capacity estimate given), forecast %d s ahead, scale-down window"
                        + " %d s%s", sloOnlySpec.slo().orElseThrow().describe(), lead, lead, changed), start,
                        () -> new SignalPolicyController(sloOnlyConfigured, window, drain)),
                new Contender("oracle", "knows every future request; per interval the fewest replicas with which"
                        + " its requests meet the SLO, found by simulating them, each asked for one cold start ahead"
                        + (plan.feasible() ? "" : "; INFEASIBLE here: " + String.join("; ",
                                plan.summary().infeasibleBecause())), start, () -> view -> plan.desiredAt(view.nowSeconds())));
    }

    /**
     * Headroom set up as {@code policy.md} ("Setting targets for your engine") tells a user to: an
     * {@code arrivals_ps} target from {@code headroom capacity} ({@link #rateTarget}); the latency alarms written
     * in the SLO's own quantities (TTFT p95 at the SLO's TTFT; the mean time per output token at the SLO's mean
     * ITL, in place of the per-token p95, a different and stricter quantity); the load forecast one cold start
     * and one decision interval ahead, and a scale-down window of the same length (a replica released within it
     * could not be back in time if the trend turned).
     */
    static PolicySpec configured(PolicySpec bounds, ClusterConfig cluster, List<SimRequest> requests, Slo slo) {
        Map<String, String> targets = new LinkedHashMap<>();
        targets.put(Signal.ARRIVALS_PS.key(), Numbers.plain(rateTarget(cluster.engine(), requests)));
        targets.put(Signal.TTFT_P95.key(), number(slo.ttftSeconds()));
        targets.put(Signal.ITL_MEAN.key(), number(slo.itlSeconds()));
        targets.put(Signal.ITL_P95.key(), SaturationTargets.NONE);
        return sloOnly(bounds, cluster, slo).withTargets(SaturationTargets.defaults().overriddenBy(targets));
    }

    /**
     * Headroom given the scenario's SLO as its spec and nothing for this engine or mix: the latency alarms the SLO
     * sets ({@link SloSpec#targets()}), the {@code arrivals_ps} target learned online as the load at which the
     * SLO is just met, and the same forecast lead and scale-down window as {@link #configured} (what a user knows
     * of their cold start).
     */
    static PolicySpec sloOnly(PolicySpec bounds, ClusterConfig cluster, Slo slo) {
        Duration lead = Duration.ofMillis(Math.round((cluster.coldStartSeconds() + cluster.controlIntervalSeconds())
                * 1000));
        Behavior behavior = new Behavior(ScalingRules.defaultScaleUp(),
                ScalingRules.defaultScaleDown().withStabilizationWindow(lead));
        SloSpec objective = SloSpec.perRequest(slo.ttftSeconds(), slo.itlSeconds(), slo.attainmentTarget());
        return bounds.withTargets(objective.targets()).withSlo(objective).withBehavior(behavior)
                .withForecast(LoadForecast.ahead(lead));
    }

    private static String number(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
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
