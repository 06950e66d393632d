package dev.headroom.agent.demo;

import dev.headroom.signals.monitor.EngineState;
import dev.headroom.signals.Signal;
import dev.headroom.signals.Signals;
import dev.headroom.collectors.gpu.GpuProbe;
import dev.headroom.collectors.gpu.GpuReading;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineServer;
import dev.headroom.simulator.LoadGenerator;
import dev.headroom.simulator.ServerOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The demo: one simulated engine on a real port, a sidecar scraping it over HTTP, and an open-loop load ramp
 * from idle to overload, shown once a second and summed up in a report. Framework-free: the caller supplies
 * how to start a sidecar against a metrics URL, so the same run works inside the agent and in a plain test.
 */
public final class DemoRun {

    /**
     * @param ramp      how long the load ramps
     * @param fromRps   arrival rate at the start
     * @param toRps     arrival rate at the end (the demo engine saturates near 4 requests/s)
     * @param seed      seeds the arrivals and request lengths
     * @param reportDir where the report goes
     * @param engine    the simulated engine's configuration
     */
    public record Options(Duration ramp, double fromRps, double toRps, long seed, Path reportDir, EngineConfig engine) {
        public Options {
            requireRamp(ramp);
            requireRates(fromRps, toRps, "--to-rps");
        }
    }

    /** The longest ramp a demo runs: it runs live, in wall-clock time. */
    public static final Duration MAX_RAMP = Duration.ofHours(1);
    /**
     * The highest rate a demo offers: a demo engine is full near 4 requests/s and the scaling act has 32 of them at
     * most; a billion a second only floods the load generator's bound within a second and ends the act.
     */
    public static final double MAX_RPS = 1000;

    static void requireRamp(Duration ramp) {
        if (ramp.isNegative() || ramp.isZero() || ramp.compareTo(MAX_RAMP) > 0) {
            throw new IllegalArgumentException("--duration must be positive and at most 1h, was " + ramp);
        }
    }

    static void requireRates(double fromRps, double toRps, String toName) {
        if (!(fromRps >= 0) || !(toRps > 0) || !(fromRps <= MAX_RPS) || !(toRps <= MAX_RPS)) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "--from-rps must be 0 to %.0f and"
                    + " %s above 0 to %.0f requests/s, were %s and %s", MAX_RPS, toName, MAX_RPS, fromRps, toRps));
        }
    }

    /** Starts a sidecar against an engine's metrics URL, with a GPU probe, and says how to read what it sees. */
    @FunctionalInterface
    public interface SidecarStarter {
        Sidecar start(URI metricsUrl, GpuProbe gpu);
    }

    /** How the demo reads a running sidecar: its engine state and its last GPU reading. */
    public record Sidecar(Supplier<Optional<EngineState>> state, Supplier<Optional<GpuReading>> gpu) {
    }

    private final Options options;
    private final SidecarStarter startSidecar;
    private final PrintStream out;

    public DemoRun(Options options, SidecarStarter startSidecar, PrintStream out) {
        this.options = options;
        this.startSidecar = startSidecar;
        this.out = out;
    }

    /** Runs the demo to the end of the ramp and writes the report; returns the summary's path. */
    public Path run() throws IOException, InterruptedException {
        ServerOptions serverOptions = ServerOptions.defaults().withMaxWaiting(500);
        try (EngineServer engine = EngineServer.start(options.engine(), serverOptions)) {
            URI metrics = engine.baseUri().resolve("/metrics");
            out.printf("Simulated engine %s on %s (KV cache %d tokens, at most %d running)%n",
                    options.engine().modelName(), engine.baseUri(), options.engine().kvCapacityTokens(), options.engine().maxNumSeqs());
            Sidecar sidecar = startSidecar.start(metrics, new SimulatedGpuProbe(engine, InstantSource.system()));
            out.printf("Sidecar scraping %s every second. Load ramps %.1f → %.1f requests/s over %d s.%n%n",
                    metrics, options.fromRps(), options.toRps(), options.ramp().toSeconds());

            LoadGenerator.Plan plan = LoadGenerator.Plan.ramp(engine.baseUri(), options.fromRps(), options.toRps(), options.ramp())
                    .withTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(2));
            plan = new LoadGenerator.Plan(plan.completionsUri(), plan.startRate(), plan.endRate(), plan.duration(),
                    plan.maxRequests(), plan.maxInFlight(), plan.prompt(), plan.output(), options.seed(),
                    plan.requestTimeout(), plan.drainTimeout());
            List<DemoTick> ticks = new ArrayList<>();
            ScheduledExecutorService view = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "headroom-demo-view");
                t.setDaemon(true);
                return t;
            });
            try (LoadGenerator load = LoadGenerator.start(plan)) {
                CompletableFuture<Void> rampOver = new CompletableFuture<>();
                view.scheduleAtFixedRate(() -> {
                    try {
                        LoadGenerator.Progress p = load.progress();
                        boolean over = p.elapsedSeconds() >= options.ramp().toNanos() / 1e9 || p.done();
                        if (over && !ticks.isEmpty()) {
                            // The generator has stopped offering load: a row now would show 0 req/s, not the ramp.
                            rampOver.complete(null);
                            return;
                        }
                        DemoTick tick = tick(p, sidecar.state().get(), sidecar.gpu().get());
                        synchronized (ticks) {
                            if (ticks.size() % 20 == 0) {
                                out.println(DemoView.header());
                            }
                            ticks.add(tick);
                        }
                        out.println(DemoView.row(tick));
                    } catch (RuntimeException e) {
                        rampOver.completeExceptionally(e);
                    }
                }, 1, 1, TimeUnit.SECONDS);
                // Bounded: the ramp's own length plus a margin for the last tick.
                rampOver.get(options.ramp().toSeconds() + 15, TimeUnit.SECONDS);
                load.stop();
            } catch (ExecutionException e) {
                throw new IllegalStateException("the demo's live view failed: " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                throw new IllegalStateException("the load ramp did not finish within its time bound", e);
            } finally {
                view.shutdownNow();
                view.awaitTermination(2, TimeUnit.SECONDS);
            }
            List<DemoTick> recorded;
            synchronized (ticks) {
                recorded = List.copyOf(ticks);
            }
            Path summary = new DemoReport(recorded).writeTo(options.reportDir());
            out.printf("%nReport: %s (chart: %s)%n", summary.toAbsolutePath(),
                    summary.resolveSibling("headroom-demo.png").toAbsolutePath());
            return summary;
        }
    }

    static DemoTick tick(LoadGenerator.Progress p, Optional<EngineState> snapshot, Optional<GpuReading> gpu) {
        Signals s = snapshot.map(EngineState::signals).orElse(null);
        double gpuUtilization = gpu.flatMap(r -> r.devices().stream().findFirst())
                .map(d -> orNaN(d.gpuUtilization())).orElse(Double.NaN);
        double saturation = snapshot.map(x -> orNaN(x.saturation().composite())).orElse(Double.NaN);
        return new DemoTick(p.elapsedSeconds(), p.offeredRate(),
                value(s, Signal.RUNNING), value(s, Signal.QUEUE), value(s, Signal.KV_UTILIZATION),
                value(s, Signal.GENERATION_TPS), value(s, Signal.TTFT_P95),
                gpuUtilization, saturation, p.completed(), p.rejected() + p.failed());
    }

    private static double value(Signals s, Signal signal) {
        return s == null || s.stale() ? Double.NaN : orNaN(s.get(signal));
    }

    private static double orNaN(OptionalDouble v) {
        return v.isPresent() ? v.getAsDouble() : Double.NaN;
    }

    /** The live view's text: one row a second, fixed columns, unknown shown as a dash. */
    static final class DemoView {
        private DemoView() {
        }

        static String header() {
            return String.format(Locale.ROOT, "%6s %8s %8s %6s %6s %8s %9s %6s  %-26s", "time", "offered", "running",
                    "queue", "KV", "tok/s", "TTFT p95", "GPU", "saturation (1.0 = at target)");
        }

        static String row(DemoTick t) {
            return String.format(Locale.ROOT, "%5.0fs %6.1f/s %8s %6s %6s %8s %9s %6s  %s",
                    t.elapsedSeconds(), t.offeredRps(), count(t.running()), count(t.queue()), pct(t.kvUtilization()),
                    count(t.generationTps()), seconds(t.ttftP95Seconds()), pct(t.gpuUtilization()), bar(t.saturation()));
        }

        static String bar(double saturation) {
            if (!Double.isFinite(saturation)) {
                return "-";
            }
            int width = 20;
            int filled = (int) Math.round(Math.min(saturation, 1.5) / 1.5 * width);
            int target = (int) Math.round(width / 1.5);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < width; i++) {
                b.append(i == target ? '|' : i < filled ? '#' : '.');
            }
            return String.format(Locale.ROOT, "%s %4.2f%s", b, saturation, saturation >= 1 ? " FULL" : "");
        }

        private static String count(double v) {
            return Double.isFinite(v) ? String.format(Locale.ROOT, "%.0f", v) : "-";
        }

        private static String pct(double v) {
            return Double.isFinite(v) ? String.format(Locale.ROOT, "%.0f%%", v * 100) : "-";
        }

        private static String seconds(double v) {
            return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2fs", v) : "-";
        }
    }
}
