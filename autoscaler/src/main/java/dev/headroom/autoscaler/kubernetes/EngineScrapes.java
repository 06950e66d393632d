package dev.headroom.autoscaler.kubernetes;

import dev.headroom.collectors.engine.DialectRegistry;
import dev.headroom.collectors.scrape.ScrapeConfig;
import dev.headroom.collectors.scrape.Scraper;
import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signals;
import dev.headroom.signals.WindowConfig;
import dev.headroom.signals.monitor.EngineMonitor;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The sidecar-less source ({@code source: engine}): the controller scrapes each engine's own metrics endpoint once a
 * tick and keeps, per pod, the sidecar's whole data path, an {@link EngineMonitor} (the same reader, dialect
 * detection, {@code SampleWindow} and signals), so a policy decides on the same numbers either way. The window is the
 * sidecar's default (30 s, stale after three intervals) at the controller's interval, which is then the scrape
 * interval.
 *
 * <p>Cost and bounds. A pod holds one monitor (its window of about 30 samples; the parser's buffers) for as long as
 * it is a ready pod of a policy with this source; a pod that leaves the policy's pods is dropped at the workload's
 * next round, the workload's monitors when its policy goes. Scrapes run on a fixed pool of {@code threads} (each
 * blocks for one fetch and parse, loopback ~1 ms, a 400-sample vLLM payload parses in ~0.1 ms). An {@code http://}
 * engine is read over one kept-alive connection of its own (the sidecar's plain-socket GET: no selector thread, no
 * asynchronous stages), closed when its pod is dropped; {@code https://} engines share a few JDK clients chosen by the
 * pod's address, so the process holds {@code clients} selector threads, not one per engine. At 2,000 engines this
 * is 2,000 connections (mind the process's file limit), and a round takes a quarter of the wall time it took through
 * the JDK client for all ({@code benchmarks.md}, "Controller at fleet size"). Each scrape is bounded by
 * {@code timeout} (connect, read, and llama.cpp's {@code /slots}); a scrape still running from an earlier round is
 * not started again, its pod's signals are read from the window as they are (they age, and turn stale as they would
 * in a sidecar).
 *
 * <p>Thread-safe; one workload's pods are scraped by one caller at a time (the controller's per-workload lock).
 */
public final class EngineScrapes implements AutoCloseable {

    /** Scrapes running at once, all workloads together. */
    public static final int DEFAULT_THREADS = 16;

    private final Duration timeout;
    private final InstantSource clock;
    private final WindowConfig window;
    private final SaturationTargets targets = SaturationTargets.defaults();
    private final DialectRegistry dialects = DialectRegistry.standard();
    private final ThreadPoolExecutor executor;
    private final HttpClient[] clients;
    private final Map<WorkloadKey, Map<String, Engine>> byWorkload = new ConcurrentHashMap<>();

    /** One pod's engine: its scraper and monitor, and whether a scrape of it is running. */
    private record Engine(URI url, Scraper scraper, EngineMonitor monitor, AtomicBoolean busy) {
    }

    /**
     * @param interval how often each engine is scraped (the controller's interval): the window's scrape interval
     * @param timeout  one scrape's bound: connect, read, auxiliary fetch
     * @param clock    stamps samples and ages them
     * @param threads  scrapes at once
     * @param clients  HTTP clients shared by the scrapes
     */
    public EngineScrapes(Duration interval, Duration timeout, InstantSource clock, int threads, int clients) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (threads < 1 || clients < 1) {
            throw new IllegalArgumentException("threads and clients must be ≥ 1, got " + threads + " and " + clients);
        }
        this.window = WindowConfig.forScrapeInterval(interval, WindowConfig.DEFAULT_SPAN,
                WindowConfig.staleAfterFor(interval));
        this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "headroom-engine-scrape");
                    t.setDaemon(true);
                    return t;
                });
        this.executor.allowCoreThreadTimeOut(true);
        this.clients = new HttpClient[clients];
        for (int i = 0; i < clients; i++) {
            this.clients[i] = Scraper.client(timeout);
        }
    }

    /** The controller's defaults: {@value #DEFAULT_THREADS} threads, {@value SidecarPoller#DEFAULT_CLIENTS} clients. */
    public static EngineScrapes defaults(Duration interval, Duration timeout, InstantSource clock) {
        return new EngineScrapes(interval, timeout, clock, DEFAULT_THREADS, SidecarPoller.DEFAULT_CLIENTS);
    }

    /**
     * Scrapes every pod's engine once, all at once, and answers each pod's signals over its window after the scrape
     * (a failed scrape adds nothing; the signals age). Pods of {@code workload} not in {@code urlsByPod} are dropped.
     *
     * @param urlsByPod each ready pod's metrics URL
     * @return an entry per pod, in the same order
     */
    public Map<String, Signals> scrapeAll(WorkloadKey workload, Map<String, URI> urlsByPod) {
        Map<String, Engine> engines = byWorkload.computeIfAbsent(workload, k -> new ConcurrentHashMap<>());
        engines.entrySet().removeIf(e -> {
            boolean gone = !urlsByPod.containsKey(e.getKey());
            if (gone) {
                release(e.getValue());
            }
            return gone;
        });
        Map<String, Future<Signals>> pending = new LinkedHashMap<>();
        Map<String, Engine> current = new LinkedHashMap<>();
        urlsByPod.forEach((pod, url) -> {
            Engine e = engines.compute(pod, (k, old) -> {
                if (old != null && old.url().equals(url)) {
                    return old;
                }
                if (old != null) {
                    release(old);
                }
                return engine(url);
            });
            current.put(pod, e);
            if (e.busy().compareAndSet(false, true)) {
                pending.put(pod, executor.submit(() -> {
                    try {
                        return e.monitor().scrapeOnce().signals();
                    } finally {
                        e.busy().set(false);
                    }
                }));
            }
        });
        long deadline = System.nanoTime() + roundBound().toNanos();
        Map<String, Signals> scraped = new LinkedHashMap<>();
        for (Map.Entry<String, Future<Signals>> f : pending.entrySet()) {
            try {
                scraped.put(f.getKey(), f.getValue().get(Math.max(0, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS));
            } catch (TimeoutException | ExecutionException e) {
                // The scrape bounds itself; its pod reads what its window holds.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        // A pod scraped this round reads the signals its scrape computed over the window: computing them again
        // (the window's quantiles and rates) would double the round's cost. The others read the window as it is.
        Map<String, Signals> out = new LinkedHashMap<>();
        current.forEach((pod, e) -> {
            Signals s = scraped.get(pod);
            out.put(pod, s != null ? s : e.monitor().snapshot().signals());
        });
        return out;
    }

    /** The longest one round waits: a scrape's own bound (connect + read + auxiliary) and a margin. */
    private Duration roundBound() {
        return timeout.multipliedBy(3).plusMillis(200);
    }

    private Engine engine(URI url) {
        ScrapeConfig config = new ScrapeConfig(url, timeout, timeout, ScrapeConfig.DEFAULT_MAX_BODY_BYTES,
                DialectRegistry.AUTO, null, timeout);
        // An http:// engine gets a plain socket of its own (one kept-alive connection, no selector thread and no
        // async stages: less CPU per scrape than the JDK client); https:// goes through a shared client.
        Scraper scraper = "http".equalsIgnoreCase(url.getScheme())
                ? new Scraper(config, dialects, clock)
                : new Scraper(config, dialects, clock,
                        clients[Math.floorMod(url.getAuthority().hashCode(), clients.length)]);
        EngineMonitor monitor = new EngineMonitor(scraper, window, targets, clock);
        return new Engine(url, scraper, monitor, new AtomicBoolean());
    }

    /**
     * Closes a dropped engine's connection on a scrape thread: a scrape of it may still be running, and the caller
     * (a workload's round) must not wait for it.
     */
    private void release(Engine engine) {
        try {
            executor.execute(engine.scraper()::close);
        } catch (RejectedExecutionException e) {
            engine.scraper().close(); // shut down: nothing is running any more
        }
    }

    /** The workload's policy is gone, or reads its pods' sidecars now: its engines' windows go. */
    public void forget(WorkloadKey workload) {
        Map<String, Engine> gone = byWorkload.remove(workload);
        if (gone != null) {
            gone.values().forEach(this::release);
        }
    }

    /** How many engines are watched now, all workloads together. */
    public int engines() {
        return byWorkload.values().stream().mapToInt(Map::size).sum();
    }

    @Override
    public void close() {
        executor.shutdownNow();
        byWorkload.values().forEach(m -> m.values().forEach(e -> e.scraper().close()));
        byWorkload.clear();
    }
}
