package dev.headroom.agent.sidecar;

import dev.headroom.signals.monitor.EngineState;
import dev.headroom.signals.monitor.EngineMonitor;
import dev.headroom.signals.monitor.FixedRateTicker;
import dev.headroom.collectors.gpu.GpuProbe;
import dev.headroom.collectors.gpu.GpuReading;
import dev.headroom.collectors.gpu.ProbeState;
import dev.headroom.agent.metrics.LoopFailures;
import dev.headroom.agent.metrics.MetricFamily;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one {@link EngineMonitor} at a fixed rate and publishes each snapshot to the meters. Wiring only: what a
 * scrape means lives in the monitor. A fixed rate, not a fixed delay: with a delay the period is the interval plus
 * the scrape (1.05 s measured at 1 s), and a consumer polling at the interval sees the same sample twice now and
 * then. A scrape slower than the interval delays the next one, which then starts at once; the beats it missed are
 * dropped, not scraped back to back ({@link FixedRateTicker}); runs never overlap.
 *
 * <p>The sidecar stays live and ready whatever the engine does: an unreachable engine is a value
 * ({@code headroom_engine_up 0}, {@code "up": false}), not a failed probe that would restart the pod.
 */
@ApplicationScoped
public class SidecarRuntime {

    private static final Logger LOG = Logger.getLogger(SidecarRuntime.class);

    private final MeterRegistry registry;
    private final InstantSource clock = InstantSource.system();
    private final AtomicLong lastTickNanos = new AtomicLong();
    private final AtomicLong loopFailures = new AtomicLong();
    private final LoopFailures failureMeter;
    private volatile String lastFailure;
    private volatile EngineMonitor monitor;
    private volatile SignalMeters meters;
    private volatile GpuProbe gpu;
    private volatile GpuReading lastGpu;
    /** The GPU state last logged, so that a change is logged once (e.g. the engine's device list written). */
    private ProbeState loggedGpuState;
    private GpuMeters gpuMeters;
    private volatile Duration interval;
    private ScheduledExecutorService scheduler;
    private String lastProblem;

    public SidecarRuntime(MeterRegistry registry) {
        this.registry = registry;
        this.failureMeter = new LoopFailures(registry, MetricFamily.SCRAPE_LOOP_FAILURES);
    }

    /** Starts scraping without a GPU probe. */
    public void start(SidecarSettings settings) {
        start(settings, Optional.empty());
    }

    /**
     * Starts scraping the engine, and polling the GPUs on the same beat when a probe is given (the runtime closes
     * it). A sidecar watches one engine, so a second call moves it to the new one.
     */
    public synchronized void start(SidecarSettings settings, Optional<GpuProbe> gpuProbe) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        closeGpu();
        gpu = gpuProbe.orElse(null);
        lastGpu = null;
        if (gpu == null && gpuMeters != null) {
            // No probe now: the last probe's series would describe GPUs nobody reads any more.
            gpuMeters.close();
            gpuMeters = null;
        }
        if (gpu != null) {
            if (gpuMeters == null || !gpuMeters.source().equals(gpu.source())) {
                if (gpuMeters != null) {
                    gpuMeters.close();
                }
                gpuMeters = new GpuMeters(registry, gpu.source());
            }
            if (gpu.state() != ProbeState.AVAILABLE) {
                LOG.warnf("GPU metrics unavailable (%s): %s", gpu.source(), gpu.message());
            }
            loggedGpuState = gpu.state();
        }
        monitor = settings.monitor(clock);
        if (meters == null) {
            meters = new SignalMeters(registry);
        }
        interval = settings.scrapeInterval();
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "headroom-scrape");
            t.setDaemon(true);
            return t;
        });
        lastTickNanos.set(System.nanoTime());
        FixedRateTicker.start(scheduler, interval, this::tick);
        LOG.infof("watching %s every %s (dialect %s)", settings.engineUrl(), interval, settings.dialect());
    }

    private void tick() {
        try {
            EngineState snapshot = monitor.scrapeOnce();
            meters.update(snapshot);
            logTransitions(snapshot);
            GpuProbe probe = gpu;
            if (probe != null && probe.state() != ProbeState.CLOSED) {
                GpuReading reading = probe.poll();
                if (reading.state() != loggedGpuState) {
                    // Once per change, not every second: e.g. the engine's device list not written yet, then read.
                    loggedGpuState = reading.state();
                    LOG.infof("GPU (%s) %s: %s", reading.source(), reading.state(), reading.message());
                }
                lastGpu = reading;
                gpuMeters.update(reading);
            }
        } catch (Throwable e) {
            // A bug or an Error (a StackOverflowError, an OutOfMemoryError thrown by a library): one scrape failed,
            // not the loop. A Throwable that leaves a scheduled task cancels its schedule for good, silently, which
            // is how a sidecar used to end up alive, stale and failing liveness forever. A heap exhausted by the JVM
            // itself does not get here: the launcher's -XX:+ExitOnOutOfMemoryError ends the process and the pod
            // restarts. Logging may itself fail on an exhausted heap, hence the inner guard.
            loopFailures.incrementAndGet();
            lastFailure = e.getClass().getName() + ": " + e.getMessage();
            failureMeter.count(e);
            try {
                LOG.errorf(e, "scrape of %s failed unexpectedly (%s); the loop goes on", monitor.engineUrl(),
                        e.getClass().getSimpleName());
            } catch (Throwable ignored) {
                // nothing more can be said
            }
        } finally {
            lastTickNanos.set(System.nanoTime());
        }
    }

    /** Logs when the engine goes away or comes back, once, rather than every second. */
    private void logTransitions(EngineState snapshot) {
        snapshot.lastScrape().ifPresent(last -> {
            String problem = last.ok() ? null : last.outcome() + ": " + last.message();
            if (problem != null && !problem.equals(lastProblem)) {
                LOG.warnf("engine %s: %s", snapshot.engineUrl(), problem);
            } else if (problem == null && lastProblem != null) {
                LOG.infof("engine %s: readable again (%s)", snapshot.engineUrl(), last.dialect());
            }
            lastProblem = problem;
        });
    }

    /** The current state, recomputed now so that staleness advances even while a scrape hangs. */
    public Optional<EngineState> snapshot() {
        EngineMonitor m = monitor;
        return m == null ? Optional.empty() : Optional.of(m.snapshot());
    }

    /** The last GPU reading; empty without a probe or before its first poll. */
    public Optional<GpuReading> gpu() {
        return Optional.ofNullable(lastGpu);
    }

    public boolean running() {
        return monitor != null;
    }

    /** How many rounds of the scrape loop ended in an unexpected {@link Throwable} (each one caught). */
    public long loopFailures() {
        return loopFailures.get();
    }

    /** The class and message of the last unexpected failure of a round; empty when none. */
    public Optional<String> lastLoopFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** Whether the scrape loop has come round recently: a stuck loop is the one thing that should restart the pod. */
    public boolean loopAlive() {
        if (monitor == null) {
            return true;
        }
        long sinceTick = System.nanoTime() - lastTickNanos.get();
        // A scrape may take its whole timeout; allow that plus a few intervals before calling the loop stuck.
        Duration allowed = interval.multipliedBy(5).plus(monitor.scrapeTimeout());
        return sinceTick < allowed.toNanos();
    }

    @PreDestroy
    synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        closeGpu();
        if (meters != null) {
            meters.close();
        }
        if (gpuMeters != null) {
            gpuMeters.close();
        }
    }

    private void closeGpu() {
        if (gpu != null) {
            gpu.close();
            gpu = null;
        }
    }
}
