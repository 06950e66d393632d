package dev.headroom.agent.cli;

import dev.headroom.autoscaler.policy.LoadForecast;
import dev.headroom.autoscaler.policy.ScalingRules;
import dev.headroom.signals.InvalidTargetsException;
import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.WindowConfig;
import dev.headroom.evaluation.Evaluation;
import dev.headroom.evaluation.EvaluationResult;
import dev.headroom.evaluation.ReportWriter;
import dev.headroom.evaluation.ResultsJson;
import dev.headroom.evaluation.HeadroomOverrides;
import dev.headroom.evaluation.InfeasibleSloException;
import dev.headroom.evaluation.Scenario;
import dev.headroom.evaluation.ScaleInSetup;
import dev.headroom.evaluation.ScenarioOptions;
import dev.headroom.simulator.cluster.ClusterConfig;
import dev.headroom.evaluation.Slo;
import dev.headroom.evaluation.Suite;
import dev.headroom.evaluation.SuiteReport;
import dev.headroom.evaluation.SuiteResult;
import dev.headroom.evaluation.SuiteScenario;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.cluster.Balancer;
import dev.headroom.simulator.trace.TimestampUnit;
import dev.headroom.simulator.trace.TraceFormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code headroom evaluate}: scaling policies compared on a replayed trace through a simulated cluster. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Compare scaling policies on a request trace replayed through a simulated cluster.",
                "Static peak, the HPA on GPU utilisation (60/70/80 %%), queue only, KV only, Headroom and an oracle,"
                        + " in virtual time; Headroom's sidecar and policy code decide from each replica's /metrics"
                        + " text.",
                "Writes evaluation.md, evaluation-replicas.png, results.json and scenario.json into --report-dir;"
                        + " --output json also prints the results as one JSON document instead of the progress."},
        defaultValueProvider = EvaluateCommand.ScenarioDefaults.class)
public class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--trace", description = "CSV (TIMESTAMP,ContextTokens,GeneratedTokens) or JSONL (timestamp ms,"
            + " input_length, output_length). Default: the bundled Azure conversation trace (2023, 58 min)")
    Path trace;

    @Option(names = "--preset",
            description = "Engine per replica: llama-3.1-8b-h100 (step costs fitted to published tables),"
                    + " llama-3.1-8b-h100-arithmetic (from datasheet arithmetic) or demo. Default: ${DEFAULT-VALUE}")
    String preset;

    @Option(names = "--peak-rate",
            description = "Alternative to --peak-replicas (ignores the mix): scale the trace's rate (--rate-scaling) so"
                    + " that its busiest --peak-window holds about this many req/s. Default: ${DEFAULT-VALUE}, used"
                    + " only when this option is given")
    double peakRate;

    @Option(names = "--peak-replicas",
            description = "Scale the trace's rate so that the oracle's busiest interval needs this many replicas."
                    + " Default: ${DEFAULT-VALUE} (unless --peak-rate is given)")
    int peakReplicas;

    @Option(names = "--timestamp-unit",
            description = "JSONL timestamps: s, ms or auto (detected from the values; the report says how)."
                    + " Default: ${DEFAULT-VALUE}")
    String timestampUnit;

    @Option(names = "--rate-scaling",
            description = "superpose: jittered copies of each arrival on the trace's own clock (load changes at the"
                    + " trace's pace); compress: time compressed (load changes k times faster; the earlier default,"
                    + " use with --duration 3600). Default: ${DEFAULT-VALUE}")
    String rateScaling;

    @Option(names = "--jitter",
            description = "Seconds: width of the uniform jitter of each superposed copy. Default: ${DEFAULT-VALUE}")
    double jitter;

    @Option(names = "--peak-window", description = "Seconds the peak is measured over. Default: ${DEFAULT-VALUE}")
    double peakWindow;

    @Option(names = "--from", description = "Start of the trace window used, trace seconds. Default: ${DEFAULT-VALUE}")
    double from;

    @Option(names = "--to", description = "End of the trace window, trace seconds. Default: ${DEFAULT-VALUE} (the end)")
    double to;

    @Option(names = "--duration",
            description = "Seconds simulated: the rescaled window is replayed end to end until filled; 0: one pass;"
                    + " at most 86400 (a day). Default: ${DEFAULT-VALUE}")
    double duration;

    @Option(names = "--cold-start", paramLabel = "DURATION", converter = DurationConverter.ZeroAllowed.class,
            description = "From a replica's request to serving, e.g. 90s (a bare number is seconds); with the control interval"
                    + " at most an hour. Default: ${DEFAULT-VALUE}")
    Duration coldStart;

    @Option(names = "--control-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Between decisions, e.g. 15s. Default: ${DEFAULT-VALUE}")
    Duration controlInterval;

    @Option(names = "--scrape-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Between the sidecars' reads of each replica's /metrics, e.g. 5s; their signals turn stale"
                    + " after " + WindowConfig.STALE_AFTER_INTERVALS + " of them. Default: ${DEFAULT-VALUE}")
    Duration scrapeInterval;

    @Option(names = "--balancer", description = "least-requests, round-robin or kv-aware. Default: ${DEFAULT-VALUE}")
    String balancer;

    @Option(names = "--max-replicas", description = "No policy may ask for more (1 to 1024). Default: ${DEFAULT-VALUE}")
    int maxReplicas;

    @Option(names = "--slo-ttft", description = "SLO: seconds to first token. Default: ${DEFAULT-VALUE}")
    double sloTtft;

    @Option(names = "--slo-itl", description = "SLO: mean seconds between tokens. Default: ${DEFAULT-VALUE}")
    double sloItl;

    @Option(names = "--slo-attainment",
            description = "SLO: share of requests that must meet both. Default: ${DEFAULT-VALUE}")
    double sloAttainment;

    @Option(names = "--seed",
            description = "Seeds the superposition of the trace. Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--threads", description = "Policies simulated at once (with --suite: scenario runs at once). Default: ${DEFAULT-VALUE}")
    int threads;

    @Option(names = "--headroom-target", paramLabel = "SIGNAL=VALUE",
            description = "Changes one target of the evaluated headroom policy (repeatable; VALUE 'none' removes it),"
                    + " e.g. itl_p95=0.1. Default: as policy.md sets it up")
    Map<String, String> headroomTargets = new LinkedHashMap<>();

    @Option(names = "--headroom-lead", paramLabel = "DURATION", converter = DurationConverter.ZeroAllowed.class,
            description = "The headroom policy's forecast lead time, e.g. 105s (a bare number is seconds; 0 turns the"
                    + " forecast off). Default: cold start + control interval")
    Duration headroomLead;

    @Option(names = "--headroom-trend-window", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "The headroom policy's forecast trend window (30s to 1h). Default: "
                    + LoadForecast.DEFAULT_TREND_WINDOW_SECONDS + "s")
    Duration headroomTrendWindow;

    @Option(names = "--headroom-scale-down-window", paramLabel = "DURATION", converter = DurationConverter.ZeroAllowed.class,
            description = "The headroom policy's scale-down stabilisation window. Default: its forecast lead time")
    Duration headroomScaleDownWindow;

    @Option(names = "--termination-grace", paramLabel = "DURATION|unbounded|longest-generation",
            defaultValue = "unbounded",
            description = "How long a replica scaled away keeps serving what it holds (its pod's"
                    + " terminationGracePeriodSeconds, with a preStop that waits for the engine to drain); what is"
                    + " unfinished then fails and counts against the SLO. longest-generation: the SLO's TTFT plus the"
                    + " trace's longest output at the SLO's ITL. Default: ${DEFAULT-VALUE}")
    String terminationGrace;

    @Option(names = "--victim-order", paramLabel = "drain-aware|default", defaultValue = "drain-aware",
            description = "drain-aware: Headroom's policies mark the emptiest replicas to go first on a scale-in"
                    + " (pod-deletion-cost from live load); default: Kubernetes' order for every policy."
                    + " Default: ${DEFAULT-VALUE}")
    String victimOrder;

    @Option(names = "--suite-scenario", paramLabel = "NAME",
            description = "Run one scenario of the suite (conversation, code-completions, long-context-conversation,"
                    + " long-context-synthetic, diurnal-day; held out: mix-shift, launch-ramp, reasoning) with --seed,"
                    + " reported as a single run; the other scenario options do not apply to it")
    String suiteScenario;

    @Option(names = "--suite-set", paramLabel = "standard|held-out", defaultValue = "standard",
            description = "Which scenarios --suite runs: the standard five, or the three held out from every choice"
                    + " of Headroom's defaults (a mix that shifts, a launch ramp, a decode-heavy reasoning load)."
                    + " Default: ${DEFAULT-VALUE}")
    String suiteSet;

    @Option(names = "--suite",
            description = "Run the suite instead of one trace: five loads of different shapes (conversation, code"
                    + " completions in bursts, long-context conversation, long-context synthetic, a diurnal day),"
                    + " each with its own SLO and cold start, --suite-seeds seeds each; prints one table and writes "
                    + SuiteReport.REPORT + " into --report-dir. The scenario options above do not apply to it")
    boolean suite;

    /** The most seeds a suite runs: about an hour on two cores. */
    static final int MAX_SUITE_SEEDS = 100;

    @Option(names = "--suite-seeds", description = "Seeds per suite scenario (1…N, N at most 100). Default: ${DEFAULT-VALUE}",
            defaultValue = "3")
    int suiteSeeds;

    @Option(names = "--report-dir", paramLabel = "DIR", defaultValue = "evaluation-report",
            description = "Folder for evaluation.md, the chart, results.json and scenario.json (with --suite:"
                    + " suite.md). Default: ${DEFAULT-VALUE}")
    Path output;

    @Option(names = {"-o", "--output"}, paramLabel = "text|json", defaultValue = "text",
            description = "text: progress and the verdict; json: the scenario and the results (scenario.json and"
                    + " results.json) on stdout as one JSON document, progress on stderr (a single run, not --suite)."
                    + " Default: ${DEFAULT-VALUE}")
    String format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        boolean json = json();
        if (suite) {
            if (json) {
                throw new ParameterException(spec.commandLine(), "--output json is for a single run; the suite's"
                        + " results are the table and " + SuiteReport.REPORT + " in --report-dir");
            }
            return runSuite();
        }
        ScenarioOptions options = suiteScenario == null ? scenarioOptions() : null;
        HeadroomOverrides overrides = overrides();
        ScaleInSetup scaleIn = scaleIn(null);
        // With --output json, stdout carries the one JSON document and nothing else.
        PrintWriter out = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
        long start = System.nanoTime();
        Scenario scenario;
        try {
            scenario = suiteScenario == null ? Scenario.prepare(options) : Suite.all(engine()).stream()
                    .filter(s -> s.name().equals(suiteScenario)).findFirst()
                    .orElseThrow(() -> new ParameterException(spec.commandLine(), "--suite-scenario: no scenario '"
                            + suiteScenario + "'; one of " + Suite.all(engine()).stream()
                            .map(SuiteScenario::name).toList()))
                    .prepare(seed);
        } catch (InfeasibleSloException e) {
            throw new ParameterException(spec.commandLine(), "--slo-*: " + e.getMessage());
        } catch (NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), "--trace " + trace + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the trace: " + e.getMessage(), e);
        } catch (TraceFormatException | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--trace: " + e.getMessage());
        }
        out.printf(Locale.ROOT, "%s: %,d requests over %.0f s (rate ×%.2f, %d passes); sized %s; timestamps %s;"
                        + " planning the oracle…%n",
                scenario.source(), scenario.requests().size(), scenario.replay().durationSeconds(),
                scenario.replay().rateMultiplier(), scenario.replay().passes(), scenario.notes().sizing(),
                scenario.notes().timestamps());
        for (String w : scenario.notes().warnings()) {
            out.println("warning: " + w);
        }
        out.flush();
        EvaluationResult result;
        try {
            if (terminationGrace.trim().equalsIgnoreCase("longest-generation")) {
                scaleIn = scaleIn(scenario);
                out.printf(Locale.ROOT, "termination grace: %.1f s (the longest generation within the SLO)%n",
                        scaleIn.terminationGraceSeconds());
            }
            result = Evaluation.run(scenario, overrides, scaleIn, r -> {
                out.printf(Locale.ROOT, "  [%5.1f s] %-12s SLO %6.2f %%  GPU-hours %6.2f  scale events %3d  (%.1f s)%n",
                        (System.nanoTime() - start) / 1e9, r.name(), r.sloAttainment() * 100, r.gpuHours(),
                        r.scaleEvents(), r.wallSeconds());
                out.flush();
            });
        } catch (InfeasibleSloException e) {
            throw new ParameterException(spec.commandLine(), "--slo-*: " + e.getMessage());
        }
        try {
            Path report = ReportWriter.write(result, output, commandLine());
            out.printf(Locale.ROOT, "done in %.1f s; report: %s%n", result.wallSeconds(), report);
            out.println(ReportWriter.verdict(result).replace("**", ""));
            out.flush();
            if (json) {
                PrintWriter stdout = spec.commandLine().getOut();
                stdout.println(ResultsJson.document(result));
                stdout.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the report into " + output + ": " + e.getMessage(), e);
        }
        return 0;
    }

    /** {@code --output}: text or json; a folder there is the old spelling of {@code --report-dir}, said so. */
    private boolean json() {
        return switch (format) {
            case "text" -> false;
            case "json" -> true;
            default -> throw new ParameterException(spec.commandLine(), "unknown --output '" + format
                    + "': expected text or json (the report's folder is --report-dir)");
        };
    }

    /** {@code --suite}: every suite scenario with seeds 1…N, units on {@code --threads} threads. */
    private int runSuite() {
        if (suiteSeeds < 1 || suiteSeeds > MAX_SUITE_SEEDS) {
            // The five scenarios take about half a minute per seed on two cores: 100,000 seeds would run for a month.
            throw new ParameterException(spec.commandLine(), "--suite-seeds must be 1 to " + MAX_SUITE_SEEDS + ", was "
                    + suiteSeeds);
        }
        if (threads < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be >= 1, was " + threads);
        }
        PrintWriter out = spec.commandLine().getOut();
        List<Long> seeds = java.util.stream.LongStream.rangeClosed(1, suiteSeeds).boxed().toList();
        List<SuiteScenario> scenarios = switch (suiteSet) {
            case "standard" -> Suite.standard(engine());
            case "held-out" -> Suite.heldOut(engine());
            default -> throw new ParameterException(spec.commandLine(), "--suite-set: standard or held-out, was '"
                    + suiteSet + "'");
        };
        out.printf(Locale.ROOT, "suite: %d scenarios × %d seeds on %d threads%n", scenarios.size(), seeds.size(),
                threads);
        out.flush();
        long start = System.nanoTime();
        SuiteResult result = Suite.run(scenarios, seeds, threads, u -> {
            out.printf(Locale.ROOT, "  [%5.1f s] %-26s seed %d: %,d requests%s (%.1f s)%n",
                    (System.nanoTime() - start) / 1e9, u.scenario(), u.seed(), u.requests(),
                    u.failure().map(f -> "; not run: " + f).orElse(""), u.wallSeconds());
            out.flush();
        });
        out.println();
        out.print(SuiteReport.table(result));
        try {
            Path report = SuiteReport.write(result, output, commandLine());
            out.printf(Locale.ROOT, "%ndone in %.1f s; report: %s%n", result.wallSeconds(), report);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the report into " + output + ": " + e.getMessage(), e);
        }
        return 0;
    }

    /** The scenario the options describe; a usage error naming what is wrong. */
    /** {@code --termination-grace} and {@code --victim-order}; a usage error naming the option. */
    ScaleInSetup scaleIn(Scenario scenario) {
        double grace;
        if (terminationGrace.trim().equalsIgnoreCase("unbounded")) {
            grace = ClusterConfig.UNBOUNDED_GRACE;
        } else if (terminationGrace.trim().equalsIgnoreCase("longest-generation")) {
            // Known once the scenario is prepared; checked here for the rest of the options.
            grace = scenario == null ? ClusterConfig.UNBOUNDED_GRACE : ScaleInSetup.longestGenerationSeconds(scenario);
        } else {
            try {
                grace = Durations.parse(terminationGrace, true).toNanos() / 1e9;
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--termination-grace: " + e.getMessage()
                        + " (or unbounded)");
            }
        }
        try {
            return new ScaleInSetup(grace, ScaleInSetup.VictimOrder.parse(victimOrder));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--victim-order: " + e.getMessage());
        }
    }

    ScenarioOptions scenarioOptions() {
        try {
            boolean byRate = spec.commandLine().getParseResult().hasMatchedOption("--peak-rate");
            if (byRate && spec.commandLine().getParseResult().hasMatchedOption("--peak-replicas")) {
                throw new ParameterException(spec.commandLine(), "--peak-rate and --peak-replicas both size the load:"
                        + " give one");
            }
            if (!byRate && peakReplicas < 1) {
                throw new ParameterException(spec.commandLine(), "--peak-replicas must be >= 1, was " + peakReplicas);
            }
            return new ScenarioOptions(Optional.ofNullable(trace), engine(), peakRate, peakWindow, from, to,
                    duration, coldStart, controlInterval, scrapeInterval, balancer(), maxReplicas,
                    new Slo(sloTtft, sloItl, sloAttainment), seed, threads, rateScaling(), jitter,
                    byRate ? 0 : peakReplicas, TimestampUnit.parse(timestampUnit));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The {@code --headroom-*} options, checked before anything runs. */
    private HeadroomOverrides overrides() {
        try {
            SaturationTargets.defaults().overriddenBy(headroomTargets);
        } catch (InvalidTargetsException e) {
            throw new ParameterException(spec.commandLine(), "--headroom-target: " + String.join("; ", e.problems()));
        }
        // The policy's own records check the ranges; here each failure is named by its option.
        Optional<Duration> lead = Optional.ofNullable(headroomLead);
        Optional<Duration> trend = Optional.ofNullable(headroomTrendWindow);
        Optional<Duration> window = Optional.ofNullable(headroomScaleDownWindow);
        check("--headroom-lead", () -> lead.ifPresent(LoadForecast::ahead));
        check("--headroom-trend-window", () -> trend.ifPresent(t -> new LoadForecast(Duration.ZERO, t)));
        check("--headroom-scale-down-window",
                () -> window.ifPresent(w -> ScalingRules.defaultScaleDown().withStabilizationWindow(w)));
        return new HeadroomOverrides(headroomTargets, lead, trend, window);
    }

    private void check(String option, Runnable validation) {
        try {
            validation.run();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    private String commandLine() {
        StringBuilder b = new StringBuilder("./headroom");
        for (String arg : spec.commandLine().getParseResult().originalArgs()) {
            b.append(' ').append(arg);
        }
        return b.toString();
    }

    private ScenarioOptions.RateScaling rateScaling() {
        return switch (rateScaling) {
            case "superpose" -> ScenarioOptions.RateScaling.SUPERPOSE;
            case "compress" -> ScenarioOptions.RateScaling.COMPRESS;
            default -> throw new ParameterException(spec.commandLine(), "--rate-scaling must be superpose or compress,"
                    + " was '" + rateScaling + "'");
        };
    }

    private EngineConfig engine() {
        EngineConfig e = SimulateCommand.preset(preset);
        if (e == null) {
            throw new ParameterException(spec.commandLine(), "unknown --preset '" + preset
                    + "': expected llama-3.1-8b-h100, llama-3.1-8b-h100-arithmetic or demo");
        }
        return e;
    }

    private Balancer balancer() {
        return switch (balancer) {
            case "least-requests" -> Balancer.LEAST_REQUESTS;
            case "round-robin" -> Balancer.ROUND_ROBIN;
            case "kv-aware" -> Balancer.KV_AWARE;
            default -> throw new ParameterException(spec.commandLine(), "unknown --balancer '" + balancer
                    + "': expected least-requests, round-robin or kv-aware");
        };
    }

    /**
     * The defaults of the scenario's options, as {@link ScenarioOptions#defaults()} and {@link Slo#defaults()} set them:
     * written there once, shown in the help and used when an option is not given.
     */
    public static final class ScenarioDefaults implements IDefaultValueProvider {

        @Override
        public String defaultValue(ArgSpec arg) {
            if (!(arg instanceof OptionSpec option)) {
                return null;
            }
            ScenarioOptions d = ScenarioOptions.defaults();
            return switch (option.longestName()) {
                case "--preset" -> PRESETS.stream().filter(name -> d.engine().equals(SimulateCommand.preset(name)))
                        .findFirst().orElse(null);
                case "--peak-rate" -> number(d.peakRate());
                case "--peak-replicas" -> Integer.toString(d.peakReplicas());
                case "--timestamp-unit" -> "auto";
                case "--rate-scaling" -> d.rateScaling().name().toLowerCase(Locale.ROOT);
                case "--jitter" -> number(d.jitterSeconds());
                case "--peak-window" -> number(d.peakWindowSeconds());
                case "--from" -> number(d.fromSeconds());
                case "--to" -> number(d.toSeconds());
                case "--duration" -> number(d.durationSeconds());
                case "--cold-start" -> seconds(d.coldStart());
                case "--control-interval" -> seconds(d.controlInterval());
                case "--scrape-interval" -> seconds(d.scrapeInterval());
                case "--balancer" -> d.balancer().name().toLowerCase(Locale.ROOT).replace('_', '-');
                case "--max-replicas" -> Integer.toString(d.maxReplicas());
                case "--slo-ttft" -> number(d.slo().ttftSeconds());
                case "--slo-itl" -> number(d.slo().itlSeconds());
                case "--slo-attainment" -> number(d.slo().attainmentTarget());
                case "--seed" -> Long.toString(d.seed());
                case "--threads" -> Integer.toString(d.threads());
                default -> null;
            };
        }

        private static final List<String> PRESETS = List.of("llama-3.1-8b-h100-arithmetic", "llama-3.1-8b-h100", "demo");

        /** {@code 70}, {@code 0.1}, {@code Infinity}: as a person would type it. */
        private static String number(double v) {
            return Double.isFinite(v) ? BigDecimal.valueOf(v).stripTrailingZeros().toPlainString() : Double.toString(v);
        }

        private static String seconds(Duration d) {
            return BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString() + "s";
        }
    }
}
