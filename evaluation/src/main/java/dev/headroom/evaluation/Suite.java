package dev.headroom.evaluation;

import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.SimRequest;
import dev.headroom.simulator.cluster.Balancer;
import dev.headroom.simulator.trace.ArrivalProcess;
import dev.headroom.simulator.trace.LengthDistribution;
import dev.headroom.simulator.trace.SyntheticTrace;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The evaluation on several loads of different shapes instead of one trace: every scenario with every seed, the
 * same field of policies on each, with the same defaults (nothing in a policy is chosen per scenario beyond what
 * the field itself derives from the scenario, as {@link Contender#standard} does for the documented Headroom
 * set-up). One (scenario, seed) is one unit: its requests, the oracle's plan, and each policy's run on its own
 * simulated cluster. Units run on {@code threads} threads, each unit on one; every unit is deterministic on its
 * own, so the results do not depend on the scheduling, and they are reported in scenario and seed order.
 *
 * <p>The scenarios ({@link #standard()}) stand in for public traces of five shapes. The conversation is the
 * bundled Azure trace; the others are {@link SyntheticTrace}s whose shapes and means follow the published
 * descriptions of such traffic (prefill-heavy code completions of ~2,000 prompt tokens and ~30 output tokens in
 * bursts; long-context conversation of ~12,000 in and ~340 out; a long-context synthetic benchmark of ~15,000 in
 * and ~150 out; a day of chat), not any one recording.
 */
public final class Suite {

    /** The seeds every scenario runs with by default. */
    public static final List<Long> SEEDS = List.of(1L, 2L, 3L);

    /** The suite's field, in report order: a subset of the standard field plus the two external-metric baselines. */
    public static final List<String> FIELD = List.of("static-peak", "hpa-gpu-60", Baselines.KEDA, Baselines.WVA,
            "headroom-defaults", "headroom", "headroom-slo", "oracle");

    /**
     * A load faster than a cold start: one whose rate can rise by more than this share of its peak within one
     * (a third: more than the margin a policy within 1.15 × the oracle could hold, twice over, and a rise that
     * a trend seen before it began cannot foretell).
     */
    public static final double FAST_RISE_SHARE = 1.0 / 3;

    private static final int MAX_LEN = 131_072;

    private Suite() {
    }

    /**
     * The five scenarios, in report order (their parameters are in {@code src/docs/evaluation.md}, "Suite").
     * Every one runs Llama-3.1-8B on one H100 per replica, least-requests balancing, decisions every 15 s,
     * sidecars every 5 s, 1–16 replicas.
     */
    public static List<SuiteScenario> standard() {
        return standard(ScenarioOptions.defaults().engine());
    }

    /** The five scenarios with {@code engine} per replica (the suite's default is the default scenario's). */
    public static List<SuiteScenario> standard(EngineConfig engine) {
        ScenarioOptions base = ScenarioOptions.defaults().withEngine(engine).withThreads(1);
        Slo chat = Slo.defaults();
        Slo longContext = new Slo(5.0, 0.1, 0.99);
        return List.of(
                new SuiteScenario("conversation",
                        "the bundled Azure LLM conversation trace (2023), 58 min, superposed to a 70 req/s peak",
                        Optional.empty(), base),
                synthetic("code-completions", new SyntheticTrace("code-completions",
                                new ArrivalProcess.OnOff(40, 0, 60, 60, 0.25),
                                LengthDistribution.lognormal(2000, 0.6, MAX_LEN),
                                LengthDistribution.lognormal(30, 0.8, MAX_LEN), 1800),
                        chat, 90, base),
                synthetic("long-context-conversation", new SyntheticTrace("long-context-conversation",
                                new ArrivalProcess.Wave(4, 2, 1200),
                                LengthDistribution.lognormal(12_000, 0.5, MAX_LEN),
                                LengthDistribution.lognormal(340, 0.7, MAX_LEN), 2400),
                        longContext, 120, base),
                synthetic("long-context-synthetic", new SyntheticTrace("long-context-synthetic",
                                new ArrivalProcess.Steps(300, 2, 5, 3, 6, 4),
                                LengthDistribution.lognormal(15_000, 0.1, MAX_LEN),
                                LengthDistribution.lognormal(150, 0.1, MAX_LEN), 1800),
                        longContext, 90, base),
                synthetic("diurnal-day", new SyntheticTrace("diurnal-day",
                                new ArrivalProcess.Diurnal(4, 40, 3 * 3600, 1.5 * 3600),
                                LengthDistribution.lognormal(1000, 1.0, MAX_LEN),
                                LengthDistribution.lognormal(250, 0.8, MAX_LEN), 3 * 3600),
                        chat, 180, base));
    }

    /**
     * Three loads of shapes the five {@link #standard} ones do not have, kept out of every choice of Headroom's
     * defaults and run only to check them: the request mix changing under a steady load (a chat service that starts
     * serving retrieval with long contexts), a launch (the load growing fifteenfold over an hour) and a
     * decode-heavy reasoning service held to a tighter ITL objective. Same engine, balancing, intervals and
     * replica bounds as {@link #standard}.
     */
    public static List<SuiteScenario> heldOut(EngineConfig engine) {
        ScenarioOptions base = ScenarioOptions.defaults().withEngine(engine).withThreads(1);
        Slo chat = Slo.defaults();
        return List.of(
                synthetic("mix-shift", new SyntheticTrace("mix-shift",
                                new ArrivalProcess.Wave(16, 4, 1800),
                                LengthDistribution.lognormal(1000, 1.0, MAX_LEN),
                                LengthDistribution.lognormal(250, 0.8, MAX_LEN), 2400)
                                .withShift(new SyntheticTrace.MixShift(1200,
                                        LengthDistribution.lognormal(4000, 0.6, MAX_LEN),
                                        LengthDistribution.lognormal(120, 0.8, MAX_LEN))),
                        chat, 90, base),
                synthetic("launch-ramp", new SyntheticTrace("launch-ramp",
                                new ArrivalProcess.Diurnal(4, 60, 2 * 3600, 3600),
                                LengthDistribution.lognormal(800, 1.0, MAX_LEN),
                                LengthDistribution.lognormal(200, 0.9, MAX_LEN), 3600),
                        chat, 120, base),
                synthetic("reasoning", new SyntheticTrace("reasoning",
                                new ArrivalProcess.Wave(8, 5, 1800),
                                LengthDistribution.lognormal(600, 0.8, MAX_LEN),
                                LengthDistribution.lognormal(1800, 0.7, MAX_LEN), 2400),
                        new Slo(2.0, 0.05, 0.99), 90, base));
    }

    /** Every scenario by name: the {@link #standard} five, then the {@link #heldOut} three. */
    public static List<SuiteScenario> all(EngineConfig engine) {
        List<SuiteScenario> all = new ArrayList<>(standard(engine));
        all.addAll(heldOut(engine));
        return List.copyOf(all);
    }

    private static SuiteScenario synthetic(String name, SyntheticTrace mix, Slo slo, int coldStartSeconds,
                                           ScenarioOptions base) {
        ScenarioOptions o = base.withSlo(slo).withCluster(Duration.ofSeconds(coldStartSeconds),
                base.controlInterval(), base.scrapeInterval(), Balancer.LEAST_REQUESTS, base.maxReplicas());
        return new SuiteScenario(name, mix.describe(), Optional.of(mix), o);
    }

    /**
     * The suite's field on {@code scenario} under {@code plan}: {@link #FIELD}'s members of the standard field,
     * then KEDA and the WVA-style model, in {@link #FIELD}'s order. A baseline that cannot be built on this
     * scenario (the WVA model finds no rate within the SLO) is left out and said so in {@code notes}.
     */
    static List<Contender> field(Scenario scenario, OraclePlan plan, List<String> notes) {
        List<Contender> all = new ArrayList<>(Contender.standard(scenario.cluster(), plan, scenario.requests(),
                scenario.slo()));
        int start = plan.desiredAt(0);
        all.add(Baselines.keda(scenario.cluster(), start));
        try {
            all.add(Baselines.wva(scenario.cluster(), scenario.requests(), scenario.slo(), start));
        } catch (IllegalArgumentException e) {
            notes.add(Baselines.WVA + " left out: " + e.getMessage());
        }
        List<Contender> field = new ArrayList<>();
        for (String name : FIELD) {
            all.stream().filter(c -> c.name().equals(name)).findFirst().ifPresent(field::add);
        }
        return field;
    }

    /**
     * Runs every scenario with every seed.
     *
     * @param threads  units run at once
     * @param progress called as each unit finishes (calls serialised)
     */
    public static SuiteResult run(List<SuiteScenario> scenarios, List<Long> seeds, int threads,
                                  Consumer<SuiteResult.Unit> progress) {
        if (scenarios.isEmpty() || seeds.isEmpty()) {
            throw new IllegalArgumentException("a suite needs at least one scenario and one seed");
        }
        if (Set.copyOf(seeds).size() != seeds.size()) {
            throw new IllegalArgumentException("seeds must differ, were " + seeds);
        }
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "suite");
            t.setDaemon(true);
            return t;
        });
        try {
            // Submitted longest first, so that no thread is left with a long unit at the end; reported in order.
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < scenarios.size(); i++) {
                order.add(i);
            }
            order.sort(Comparator.comparingDouble((Integer i) -> -costHint(scenarios.get(i))));
            Map<Integer, List<Future<SuiteResult.Unit>>> futures = new HashMap<>();
            for (int i : order) {
                SuiteScenario s = scenarios.get(i);
                List<Future<SuiteResult.Unit>> mine = new ArrayList<>();
                for (long seed : seeds) {
                    mine.add(pool.submit(() -> {
                        SuiteResult.Unit unit = runUnit(s, seed);
                        synchronized (progress) {
                            progress.accept(unit);
                        }
                        return unit;
                    }));
                }
                futures.put(i, mine);
            }
            List<SuiteResult.Unit> units = new ArrayList<>();
            for (int i = 0; i < scenarios.size(); i++) {
                for (Future<SuiteResult.Unit> f : futures.get(i)) {
                    units.add(f.get());
                }
            }
            return new SuiteResult(scenarios, seeds, units, (System.nanoTime() - t0) / 1e9, threads);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the suite was interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("a suite run failed: " + cause, cause);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Roughly how long a unit of {@code s} takes, for scheduling only: tokens offered at the peak rate over its
     * duration (the bundled trace: as an hour at its peak rate and the Azure means).
     */
    static double costHint(SuiteScenario s) {
        return s.synthetic().map(m -> m.arrivals().peakRate() * m.durationSeconds()
                        * (m.meanPromptTokens() + 8 * m.meanOutputTokens()))
                .orElse(s.options().peakRate() * 3600 * (1_100 + 8 * 200.0));
    }

    /** One scenario with one seed. An oracle that cannot plan (no rate meets the SLO) is a failed unit, not a crash. */
    static SuiteResult.Unit runUnit(SuiteScenario s, long seed) {
        long t0 = System.nanoTime();
        Scenario scenario = s.prepare(seed);
        double rise = riseWithinColdStart(scenario.requests(), scenario.cluster().coldStartSeconds());
        OraclePlan plan;
        try {
            plan = OraclePlan.compute(scenario);
        } catch (IllegalArgumentException e) {
            return SuiteResult.Unit.failed(s.name(), seed, scenario.requests().size(), rise,
                    "the oracle cannot plan: " + e.getMessage(), (System.nanoTime() - t0) / 1e9);
        }
        List<String> notes = new ArrayList<>();
        List<Contender> field = field(scenario, plan, notes);
        EvaluationResult result = Evaluation.run(scenario, plan, field, r -> { }, t0);
        return new SuiteResult.Unit(s.name(), seed, scenario.requests().size(), rise, result.capacityPerReplica(),
                result.peakReplicas(), result.results(), notes, Optional.empty(), (System.nanoTime() - t0) / 1e9);
    }

    /**
     * How fast the load can rise against a cold start: the largest increase of the arrival rate (over 60 s
     * windows, stepped by 15 s) from a window to any one up to a cold start later, as a share of the highest
     * window's rate. Above {@value #FAST_RISE_SHARE} the load changes faster than a replica can be started.
     */
    static double riseWithinColdStart(List<SimRequest> requests, double coldStartSeconds) {
        if (requests.isEmpty()) {
            return 0;
        }
        double step = 15;
        double window = 60;
        double end = requests.get(requests.size() - 1).arrivalSeconds();
        int n = (int) Math.floor(end / step) + 1;
        int[] perStep = new int[n];
        for (SimRequest r : requests) {
            perStep[(int) Math.floor(r.arrivalSeconds() / step)]++;
        }
        int span = (int) Math.round(window / step);
        int windows = Math.max(1, n - span + 1);
        double[] rate = new double[windows];
        double peak = 0;
        for (int i = 0; i < windows; i++) {
            int c = 0;
            for (int k = i; k < Math.min(n, i + span); k++) {
                c += perStep[k];
            }
            rate[i] = c / window;
            peak = Math.max(peak, rate[i]);
        }
        int lags = Math.max(1, (int) Math.round(coldStartSeconds / step));
        double most = 0;
        for (int i = 0; i < windows; i++) {
            for (int lag = 1; lag <= lags && i + lag < windows; lag++) {
                most = Math.max(most, rate[i + lag] - rate[i]);
            }
        }
        return peak > 0 ? most / peak : 0;
    }
}
