package dev.headroom.agent.demo;

import dev.headroom.autoscaler.kubernetes.HeadroomController;
import dev.headroom.autoscaler.loop.DecisionLoop;
import dev.headroom.autoscaler.loop.LoopOutcome;
import dev.headroom.autoscaler.loop.ScaleTarget;
import dev.headroom.signals.monitor.EngineState;
import dev.headroom.autoscaler.policy.Behavior;
import dev.headroom.autoscaler.policy.HpaCompatiblePolicy;
import dev.headroom.autoscaler.policy.PolicySpec;
import dev.headroom.autoscaler.policy.ScalingDecision;
import dev.headroom.autoscaler.policy.ScalingRules;
import dev.headroom.autoscaler.policy.WorkloadSnapshot;
import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;
import dev.headroom.signals.Signals;
import dev.headroom.signals.WindowConfig;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.LoadGenerator;
import dev.headroom.simulator.ServerOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The demo's second act: several simulated replicas behind a {@link LeastLoadedBalancer}, each watched by its own
 * sidecar, and the controller's policy ({@link HpaCompatiblePolicy}, the HPA's algorithm over Headroom's signals)
 * scaling them once a second, live, while the load ramps up and back down, through the controller's own
 * {@link DecisionLoop} with {@link LocalReplicas} as its actuator. New replicas pay a cold start. Framework-free,
 * like {@link DemoRun}; the report is {@link ScalingReport}.
 */
public final class ScalingDemo {

    /** The scale target the policy remembers its history under (the demo's stand-in for a Deployment). */
    static final ScaleTarget TARGET = new ScaleTarget("apps/v1", "Deployment", "demo", "engine");
    static final String WORKLOAD = "demo/engine";
    /** As the controller: sidecar data older than this is missing. */
    static final Duration MAX_DATA_AGE = HeadroomController.Settings.defaults().maxDataAge();

    /**
     * @param rampUp          how long the load ramps from {@code fromRps} to {@code toRps}
     * @param rampDown        how long it then ramps back down to {@code fromRps}
     * @param fromRps         arrival rate at the start and the end
     * @param toRps           arrival rate at the peak (one demo replica is full near 4 requests/s)
     * @param seed            seeds the arrivals and request lengths
     * @param reportDir       where the report goes
     * @param engine          each replica's simulated engine
     * @param maxReplicas     the policy's maxReplicas (minReplicas is 1)
     * @param coldStart       how long a new replica takes to become ready
     * @param scaleDownWindow the scale-down stabilisation window (the HPA's default is 300 s; shorter in a demo)
     * @param interval        how often the policy decides (the controller's 1 s)
     */
    public record Options(Duration rampUp, Duration rampDown, double fromRps, double toRps, long seed, Path reportDir,
                          EngineConfig engine, int maxReplicas, Duration coldStart, Duration scaleDownWindow,
                          Duration interval) {
        public Options {
            for (Duration d : List.of(rampUp, rampDown, interval)) {
                DemoRun.requireRamp(d);
            }
            DemoRun.requireRates(fromRps, toRps, "--scaling-to-rps");
            if (maxReplicas < 1 || maxReplicas > 32) {
                throw new IllegalArgumentException("--max-replicas must be between 1 and 32, was " + maxReplicas);
            }
            if (coldStart.isNegative() || coldStart.compareTo(DemoRun.MAX_RAMP) > 0) {
                throw new IllegalArgumentException("--cold-start must be 0 to 1h, was " + coldStart);
            }
            if (scaleDownWindow.isNegative() || scaleDownWindow.compareTo(ScalingRules.MAX_WINDOW) > 0) {
                throw new IllegalArgumentException("--scale-down-window must be between 0 and 1h, was " + scaleDownWindow);
            }
        }

        /**
         * How long the low load is held after the ramp down: the sidecars' window (their latency quantiles still
         * hold the overload's requests until it has passed), then the scale-down window, and five decisions more.
         */
        public Duration hold() {
            return WindowConfig.DEFAULT_SPAN.plus(scaleDownWindow).plus(interval.multipliedBy(5));
        }

        /** The policy the demo scales with: default targets and the HPA's behaviour, but a short scale-down window. */
        PolicySpec policy() {
            return new PolicySpec(1, maxReplicas, SaturationTargets.defaults(), new Behavior(ScalingRules.defaultScaleUp(),
                    ScalingRules.defaultScaleDown().withStabilizationWindow(scaleDownWindow)));
        }
    }

    private final Options options;
    private final PrintStream out;
    private final InstantSource clock = InstantSource.system();

    public ScalingDemo(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Runs the act to the end of the ramp down and writes the report; returns the summary's path. */
    public Path run() throws IOException, InterruptedException {
        PolicySpec spec = options.policy();
        ServerOptions serverOptions = ServerOptions.defaults().withMaxWaiting(500);
        List<ScalingTick> ticks = new ArrayList<>();
        try (LocalReplicas replicas = new LocalReplicas(options.engine(), serverOptions, options.coldStart(),
                Duration.ofSeconds(1), clock)) {
            replicas.startWarm(1);
            DecisionLoop decisionLoop = new DecisionLoop(new HpaCompatiblePolicy(clock), replicas);
            try (LeastLoadedBalancer balancer = LeastLoadedBalancer.start(replicas::readyBackends, Duration.ofSeconds(60))) {
                out.printf("Act 2: replicas of %s behind a least-loaded balancer on %s; a new replica is ready after %d s.%n",
                        options.engine().modelName(), balancer.baseUri(), options.coldStart().toSeconds());
                out.printf("The controller's policy decides every %d s (1..%d replicas, targets %s, scale-down window %d s).%n",
                        options.interval().toSeconds(), options.maxReplicas(), targets(spec),
                        options.scaleDownWindow().toSeconds());
                out.printf("Load ramps %.1f → %.1f requests/s over %d s, back down over %d s, then stays there %d s"
                                + " (the sidecars' window, then the scale-down window).%n%n", options.fromRps(), options.toRps(),
                        options.rampUp().toSeconds(), options.rampDown().toSeconds(), options.hold().toSeconds());
                runLoad(balancer, replicas, decisionLoop, spec, ticks);
            }
        }
        List<ScalingTick> recorded;
        synchronized (ticks) {
            recorded = List.copyOf(ticks);
        }
        Path summary = new ScalingReport(recorded, options).writeTo(options.reportDir());
        out.printf("%nReport: %s (chart: %s)%n", summary.toAbsolutePath(),
                summary.resolveSibling(ScalingReport.CHART).toAbsolutePath());
        return summary;
    }

    private void runLoad(LeastLoadedBalancer balancer, LocalReplicas replicas, DecisionLoop decisionLoop,
                         PolicySpec spec, List<ScalingTick> ticks) throws InterruptedException {
        AtomicReference<Phase> phase = new AtomicReference<>(new Phase(0, 0, LoadGenerator.start(plan(balancer,
                options.fromRps(), options.toRps(), options.rampUp(), options.seed())), 0, 0));
        double upSeconds = options.rampUp().toNanos() / 1e9;
        double downEnd = upSeconds + options.rampDown().toNanos() / 1e9;
        // After the ramp down, the low load is held past the scale-down window, so that the act shows the
        // replicas going away that the window kept while the load fell.
        Duration hold = options.hold();
        double total = downEnd + hold.toNanos() / 1e9;
        ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "headroom-demo-controller");
            t.setDaemon(true);
            return t;
        });
        CompletableFuture<Void> over = new CompletableFuture<>();
        try {
            loop.scheduleAtFixedRate(() -> {
                try {
                    Phase p = phase.get();
                    LoadGenerator.Progress progress = p.load().progress();
                    if (p.stage() == 0 && (progress.elapsedSeconds() >= upSeconds || progress.done())) {
                        // The peak: ramp back down from here.
                        p.load().stop();
                        p = new Phase(1, upSeconds, LoadGenerator.start(plan(balancer, options.toRps(),
                                options.fromRps(), options.rampDown(), options.seed() + 1)),
                                p.completedBefore() + progress.completed(),
                                p.failedBefore() + progress.rejected() + progress.failed());
                        phase.set(p);
                        progress = p.load().progress();
                    } else if (p.stage() == 1 && (p.offset() + progress.elapsedSeconds() >= downEnd || progress.done())) {
                        // The bottom: hold the low load past the scale-down window.
                        p.load().stop();
                        p = new Phase(2, downEnd, LoadGenerator.start(plan(balancer, options.fromRps(),
                                options.fromRps(), hold, options.seed() + 2)),
                                p.completedBefore() + progress.completed(),
                                p.failedBefore() + progress.rejected() + progress.failed());
                        phase.set(p);
                        progress = p.load().progress();
                    } else if (p.stage() == 2 && (p.offset() + progress.elapsedSeconds() >= total || progress.done())) {
                        p.load().stop();
                        over.complete(null);
                        return;
                    }
                    ScalingTick tick = decide(p, progress, replicas, decisionLoop, spec);
                    synchronized (ticks) {
                        if (ticks.size() % 20 == 0) {
                            out.println(header());
                        }
                        ticks.add(tick);
                    }
                    out.println(row(tick));
                } catch (RuntimeException e) {
                    over.completeExceptionally(e);
                }
            }, options.interval().toNanos(), options.interval().toNanos(), TimeUnit.NANOSECONDS);
            // Bounded: both ramps plus a margin for the last tick.
            over.get((long) total + 15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the demo's control loop failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the load did not finish within its time bound", e);
        } finally {
            loop.shutdownNow();
            loop.awaitTermination(2, TimeUnit.SECONDS);
            phase.get().load().close();
        }
    }

    /**
     * One load ramp, and where it sits in the act: its stage (0 up, 1 down, 2 the hold at the low load), its start
     * in seconds and what earlier ramps completed.
     */
    private record Phase(int stage, double offset, LoadGenerator load, long completedBefore, long failedBefore) {
    }

    private LoadGenerator.Plan plan(LeastLoadedBalancer balancer, double from, double to, Duration length, long seed) {
        LoadGenerator.Plan p = LoadGenerator.Plan.ramp(balancer.baseUri(), from, to, length)
                .withTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(2));
        return new LoadGenerator.Plan(p.completionsUri(), p.startRate(), p.endRate(), p.duration(), p.maxRequests(),
                p.maxInFlight(), p.prompt(), p.output(), seed, p.requestTimeout(), p.drainTimeout());
    }

    /** One round of the controller's loop: reports → snapshot → decide → scale → record, then what it saw. */
    private ScalingTick decide(Phase phase, LoadGenerator.Progress progress, LocalReplicas replicas,
                               DecisionLoop decisionLoop, PolicySpec spec) {
        Instant now = clock.instant();
        WorkloadSnapshot snapshot = WorkloadSnapshot.of(now, MAX_DATA_AGE, replicas.reports());
        int current = replicas.currentReplicas(TARGET);
        LoopOutcome outcome = decisionLoop.run(WORKLOAD, TARGET, spec, current, snapshot, true);
        ScalingDecision d = outcome.decision();
        String message = outcome.actionError().map(e -> "could not scale: " + e).orElse(d.message());
        replicas.reap();
        double running = 0;
        double queue = 0;
        double kv = 0;
        double saturation = 0;
        int known = 0;
        int kvKnown = 0;
        int saturationKnown = 0;
        for (LocalReplicas.Replica r : replicas.serving()) {
            if (!r.readyAt(now)) {
                continue;
            }
            EngineState state = r.sidecar().snapshot();
            Signals s = state.signals();
            if (s.stale()) {
                continue;
            }
            if (s.get(Signal.QUEUE).isPresent() && s.get(Signal.RUNNING).isPresent()) {
                queue += s.get(Signal.QUEUE).getAsDouble();
                running += s.get(Signal.RUNNING).getAsDouble();
                known++;
            }
            if (s.get(Signal.KV_UTILIZATION).isPresent()) {
                kv += s.get(Signal.KV_UTILIZATION).getAsDouble();
                kvKnown++;
            }
            if (state.saturation().composite().isPresent()) {
                saturation += state.saturation().composite().getAsDouble();
                saturationKnown++;
            }
        }
        int ready = replicas.ready();
        int desired = replicas.currentReplicas(TARGET);
        return new ScalingTick(phase.offset() + progress.elapsedSeconds(), progress.offeredRate(), desired, ready,
                desired - ready, known == 0 ? Double.NaN : running, known == 0 ? Double.NaN : queue,
                kvKnown == 0 ? Double.NaN : kv / kvKnown, saturationKnown == 0 ? Double.NaN : saturation / saturationKnown,
                d.reason().value(), message, phase.completedBefore() + progress.completed(),
                phase.failedBefore() + progress.rejected() + progress.failed());
    }

    private static String targets(PolicySpec spec) {
        StringBuilder b = new StringBuilder();
        spec.targets().targets().forEach((signal, v) -> b.append(b.length() == 0 ? "" : ", ").append(signal.key())
                .append(' ').append(String.format(Locale.ROOT, "%s", v)));
        return b.toString();
    }

    static String header() {
        return String.format(Locale.ROOT, "%6s %8s %-17s %7s %6s %5s  %-28s %s", "time", "offered",
                "replicas (ready+)", "running", "queue", "KV", "saturation (1.0 = at target)", "decision");
    }

    static String row(ScalingTick t) {
        String replicas = t.desired() + " (" + t.ready() + (t.starting() > 0 ? " +" + t.starting() + " starting" : "") + ")";
        return String.format(Locale.ROOT, "%5.0fs %6.1f/s %-17s %7s %6s %5s  %-28s %s: %s", t.elapsedSeconds(),
                t.offeredRps(), replicas, count(t.running()), count(t.queue()), pct(t.kvUtilization()),
                DemoRun.DemoView.bar(t.saturation()), t.reason(), shorten(t.message(), 90));
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static String count(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.0f", v) : "-";
    }

    private static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.0f%%", v * 100) : "-";
    }
}
