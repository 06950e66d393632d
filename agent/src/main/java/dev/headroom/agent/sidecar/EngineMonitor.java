package dev.headroom.agent.sidecar;

import dev.headroom.autoscaler.signals.SampleWindow;
import dev.headroom.autoscaler.signals.Saturation;
import dev.headroom.autoscaler.signals.SaturationTargets;
import dev.headroom.autoscaler.signals.Signals;
import dev.headroom.autoscaler.signals.WindowConfig;
import dev.headroom.collectors.scrape.ScrapeConfig;
import dev.headroom.collectors.scrape.ScrapeOutcome;
import dev.headroom.collectors.scrape.Scraper;
import dev.headroom.collectors.engine.DialectRegistry;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One engine watched: scrape → window → signals → saturation. Plain Java, so that the whole data path is
 * testable without the application; the agent only schedules {@link #scrapeOnce()} and exports snapshots.
 *
 * <p>A failed scrape adds nothing to the window. The signals then age until they turn stale, and stale
 * signals have no saturation: an engine that stops answering never looks idle.
 */
public final class EngineMonitor {

    private final URI engineUrl;
    private final Supplier<ScrapeOutcome> scrape;
    private final SampleWindow window;
    private final SaturationTargets targets;
    private final InstantSource clock;
    private final Duration scrapeTimeout;
    private volatile SidecarSnapshot.LastScrape lastScrape;
    private volatile boolean engineUp;
    private long scrapesOk;
    private long scrapesFailed;

    EngineMonitor(URI engineUrl, Supplier<ScrapeOutcome> scrape, WindowConfig window, SaturationTargets targets,
                  InstantSource clock, Duration scrapeTimeout) {
        this.engineUrl = engineUrl;
        this.scrape = scrape;
        this.window = new SampleWindow(window);
        this.targets = targets;
        this.clock = clock;
        this.scrapeTimeout = scrapeTimeout;
    }

    public static EngineMonitor create(SidecarSettings settings, InstantSource clock) {
        ScrapeConfig config = ScrapeConfig.defaults(settings.engineUrl())
                .withTimeouts(settings.connectTimeout(), settings.readTimeout())
                .withMaxBodyBytes(settings.maxBodyBytes())
                .withDialect(settings.dialect());
        Scraper scraper = new Scraper(config, DialectRegistry.standard(), clock);
        WindowConfig window = WindowConfig.forScrapeInterval(settings.scrapeInterval(), settings.window());
        window = new WindowConfig(window.maxSamples(), window.maxSpan(), settings.staleAfter());
        return new EngineMonitor(settings.engineUrl(), scraper::scrape, window, settings.targets(), clock,
                settings.connectTimeout().plus(settings.readTimeout()));
    }

    public URI engineUrl() {
        return engineUrl;
    }

    Duration scrapeTimeout() {
        return scrapeTimeout;
    }

    /** Scrapes once and returns the state after it. Called from one thread at a time. */
    public SidecarSnapshot scrapeOnce() {
        Instant started = clock.instant();
        ScrapeOutcome outcome = scrape.get();
        if (outcome instanceof ScrapeOutcome.Success ok) {
            window.add(ok.sample());
            synchronized (this) {
                scrapesOk++;
            }
            engineUp = true;
            lastScrape = new SidecarSnapshot.LastScrape(started, "ok", "", ok.duration(), ok.dialect());
        } else if (outcome instanceof ScrapeOutcome.Failure failed) {
            synchronized (this) {
                scrapesFailed++;
            }
            engineUp = false;
            lastScrape = new SidecarSnapshot.LastScrape(started, failed.kind().name().toLowerCase(Locale.ROOT),
                    failed.message(), failed.duration(), null);
        }
        return snapshot();
    }

    /** The state now: signals over the window as of the clock's present, so staleness keeps advancing. */
    public SidecarSnapshot snapshot() {
        Signals signals = window.signals(clock.instant());
        long ok;
        long failed;
        synchronized (this) {
            ok = scrapesOk;
            failed = scrapesFailed;
        }
        return new SidecarSnapshot(engineUrl, engineUp, Optional.ofNullable(lastScrape), signals,
                Saturation.of(signals, targets), targets, ok, failed);
    }
}
