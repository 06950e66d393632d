package dev.headroom.signals.monitor;

import dev.headroom.signals.SampleWindow;
import dev.headroom.signals.Saturation;
import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signals;
import dev.headroom.signals.WindowConfig;
import dev.headroom.collectors.scrape.ScrapeConfig;
import dev.headroom.collectors.scrape.ScrapeOutcome;
import dev.headroom.collectors.scrape.Scraper;
import dev.headroom.collectors.engine.DialectRegistry;
import dev.headroom.collectors.engine.EngineSample;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One engine watched: scrape → window → signals → saturation. The whole data path of a sidecar, without the
 * application around it: the agent only schedules {@link #scrapeOnce()} and exports the states it returns.
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
    private volatile EngineState.LastScrape lastScrape;
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

    /**
     * @param scrape  where and how to scrape (timeouts, body limit, dialect)
     * @param window  how far back rates and quantiles look, and when signals turn stale
     * @param targets the saturation target of each signal
     * @param clock   stamps samples and ages them; inject a fixed or manual one in tests
     */
    public EngineMonitor(ScrapeConfig scrape, WindowConfig window, SaturationTargets targets, InstantSource clock) {
        this(scrape, DialectRegistry.standard(), window, targets, clock);
    }

    /**
     * @param dialects the dialects to detect or choose from (e.g. the standard ones plus a user-configured generic one)
     */
    public EngineMonitor(ScrapeConfig scrape, DialectRegistry dialects, WindowConfig window, SaturationTargets targets,
                         InstantSource clock) {
        this(scrape.url(), new Scraper(scrape, dialects, clock)::scrape, window, targets, clock,
                // A dialect may ask for a second fetch (llama.cpp's /slots) after the first.
                scrape.connectTimeout().plus(scrape.readTimeout()).plus(scrape.auxiliaryTimeout()));
    }

    /**
     * A monitor scraping through {@code scraper} (one whose HTTP client may be shared with other monitors).
     *
     * @param window  how far back rates and quantiles look, and when signals turn stale
     * @param targets the saturation target of each signal
     * @param clock   stamps samples and ages them
     */
    public EngineMonitor(Scraper scraper, WindowConfig window, SaturationTargets targets, InstantSource clock) {
        this(scraper.config().url(), scraper::scrape, window, targets, clock,
                scraper.config().connectTimeout().plus(scraper.config().readTimeout())
                        .plus(scraper.config().auxiliaryTimeout()));
    }

    public URI engineUrl() {
        return engineUrl;
    }

    /** The longest a single scrape can take. */
    public Duration scrapeTimeout() {
        return scrapeTimeout;
    }

    /** Scrapes once and returns the state after it. Called from one thread at a time. */
    public EngineState scrapeOnce() {
        Instant started = clock.instant();
        ScrapeOutcome outcome = scrape.get();
        if (outcome instanceof ScrapeOutcome.Success ok) {
            window.add(ok.sample());
            synchronized (this) {
                scrapesOk++;
            }
            engineUp = true;
            lastScrape = new EngineState.LastScrape(started, "ok", "", ok.duration(), ok.dialect());
        } else if (outcome instanceof ScrapeOutcome.Failure failed) {
            synchronized (this) {
                scrapesFailed++;
            }
            engineUp = false;
            lastScrape = new EngineState.LastScrape(started, failed.kind().name().toLowerCase(Locale.ROOT),
                    failed.message(), failed.duration(), null);
        }
        return snapshot();
    }

    /** The state now: signals over the window as of the clock's present, so staleness keeps advancing. */
    public EngineState snapshot() {
        Signals signals;
        Optional<EngineSample> newest;
        // One lock over both reads, so the sample is the one the signals were derived from.
        synchronized (window) {
            signals = window.signals(clock.instant());
            newest = signals.stale() ? Optional.empty() : window.newest();
        }
        long ok;
        long failed;
        synchronized (this) {
            ok = scrapesOk;
            failed = scrapesFailed;
        }
        return new EngineState(engineUrl, engineUp, Optional.ofNullable(lastScrape), signals,
                Saturation.of(signals, targets), targets, ok, failed, newest);
    }
}
