package dev.headroom.agent.demo;

import dev.headroom.agent.sidecar.SidecarSettings;
import dev.headroom.signals.monitor.EngineMonitor;
import dev.headroom.signals.monitor.EngineState;

import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One replica's sidecar, in process: the agent's {@link EngineMonitor} (built by {@link SidecarSettings}, as the
 * sidecar role builds it) scraping one engine's {@code /metrics} over HTTP on its own fixed-delay thread. The demo
 * runs one per simulated replica, where a cluster runs one sidecar container per pod.
 */
public final class ReplicaSidecar implements AutoCloseable {

    private final EngineMonitor monitor;
    private final ScheduledExecutorService scheduler;

    private ReplicaSidecar(EngineMonitor monitor, Duration interval, String name) {
        this.monitor = monitor;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "headroom-scrape-" + name);
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::scrape, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Starts scraping now, and every {@code settings.scrapeInterval()} after each scrape ends. */
    public static ReplicaSidecar start(SidecarSettings settings, InstantSource clock, String name) {
        Objects.requireNonNull(name, "name");
        return new ReplicaSidecar(settings.monitor(clock), settings.scrapeInterval(), name);
    }

    /**
     * The sidecar's defaults ({@link SidecarSettings#defaults}: stale after three scrape intervals, the default
     * targets, dialect detected) for the engine whose metrics are at {@code metricsUrl}, with the given scrape interval.
     */
    public static SidecarSettings defaultSettings(URI metricsUrl, Duration scrapeInterval) {
        return SidecarSettings.defaults(metricsUrl).withScrapeInterval(scrapeInterval);
    }

    private void scrape() {
        try {
            monitor.scrapeOnce();
        } catch (RuntimeException e) {
            // A bug, not an engine problem: the next scrape runs anyway, and the data goes stale meanwhile.
            System.err.println("scrape of " + monitor.engineUrl() + " failed unexpectedly: " + e);
        }
    }

    /** The state now (signals aged to the present, so they turn stale if scrapes stop). */
    public EngineState snapshot() {
        return monitor.snapshot();
    }

    public URI engineUrl() {
        return monitor.engineUrl();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
