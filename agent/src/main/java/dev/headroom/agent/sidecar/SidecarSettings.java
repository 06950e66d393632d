package dev.headroom.agent.sidecar;

import dev.headroom.signals.monitor.EngineMonitor;
import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.WindowConfig;
import dev.headroom.collectors.engine.DialectRegistry;
import dev.headroom.collectors.engine.GenericDialect;
import dev.headroom.collectors.scrape.ScrapeConfig;

import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;

/**
 * The sidecar's validated settings: {@link SidecarConfig} with the command line's overrides applied, the
 * libraries' defaults for what is unset, and the dialects to choose from (the built-in ones, plus the user's
 * generic one when configured).
 *
 * @param configuredStaleAfter the stale-after that was set; empty: {@link WindowConfig#staleAfterFor three scrape
 *                             intervals}, whatever the interval becomes (see {@link #staleAfter()})
 */
public record SidecarSettings(
        URI engineUrl,
        Duration scrapeInterval,
        Duration connectTimeout,
        Duration readTimeout,
        long maxBodyBytes,
        String dialect,
        Duration window,
        Optional<Duration> configuredStaleAfter,
        SaturationTargets targets,
        DialectRegistry dialects) {

    private static final String STALE_AFTER = "headroom.sidecar.stale-after";

    public SidecarSettings {
        Objects.requireNonNull(engineUrl, "engineUrl");
        String scheme = engineUrl.getScheme();
        // A port past 65,535 parses as a URI but can never be reached: every scrape would fail the same way.
        if (!"http".equals(scheme) && !"https".equals(scheme) || engineUrl.getHost() == null
                || engineUrl.getPort() > 65_535) {
            throw new IllegalArgumentException("headroom.sidecar.engine-url must be an http(s) URL with a port up to"
                    + " 65535, such as http://127.0.0.1:8000/metrics, was '" + engineUrl + "'");
        }
        requirePositive("headroom.sidecar.scrape-interval", scrapeInterval);
        requirePositive("headroom.sidecar.connect-timeout", connectTimeout);
        requirePositive("headroom.sidecar.read-timeout", readTimeout);
        requirePositive("headroom.sidecar.window", window);
        Objects.requireNonNull(configuredStaleAfter, "configuredStaleAfter");
        if (configuredStaleAfter.isPresent()) {
            Duration staleAfter = configuredStaleAfter.get();
            requirePositive(STALE_AFTER, staleAfter);
            if (staleAfter.compareTo(scrapeInterval) <= 0) {
                throw new IllegalArgumentException(STALE_AFTER + " must be longer than the scrape interval, or the "
                        + "signals read stale before every scrape: was " + text(staleAfter) + " with scrapes every "
                        + text(scrapeInterval) + " (headroom.sidecar.scrape-interval or --scrape-interval); set it above "
                        + text(scrapeInterval) + ", e.g. " + text(WindowConfig.staleAfterFor(scrapeInterval))
                        + ", or leave it unset for " + WindowConfig.STALE_AFTER_INTERVALS + " scrape intervals");
            }
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("headroom.sidecar.max-body-bytes must be at least 1024, was " + maxBodyBytes);
        }
        if (window.compareTo(scrapeInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("headroom.sidecar.window (" + text(window) + ") must cover at least two "
                    + "scrape intervals (" + text(scrapeInterval) + ") to derive rates");
        }
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(targets, "targets");
        Objects.requireNonNull(dialects, "dialects");
        if (!DialectRegistry.AUTO.equals(dialect) && dialects.byName(dialect).isEmpty()) {
            throw new IllegalArgumentException("headroom.sidecar.dialect must be auto or one of " + dialects.names()
                    + ", was '" + dialect + "'" + (GenericDialect.NAME.equals(dialect)
                    ? " (the generic dialect needs headroom.sidecar.generic.* keys)" : ""));
        }
    }

    /** Settings with a stale-after that was set, e.g. in a test. */
    public SidecarSettings(URI engineUrl, Duration scrapeInterval, Duration connectTimeout, Duration readTimeout,
            long maxBodyBytes, String dialect, Duration window, Duration staleAfter, SaturationTargets targets,
            DialectRegistry dialects) {
        this(engineUrl, scrapeInterval, connectTimeout, readTimeout, maxBodyBytes, dialect, window,
                Optional.of(Objects.requireNonNull(staleAfter, STALE_AFTER)), targets, dialects);
    }

    private static void requirePositive(String key, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(key + " must be a positive duration (e.g. 1s, 500ms), was "
                    + (d == null ? null : text(d)));
        }
    }

    /** A duration as it is configured: {@code 5s}, {@code 250ms}, else ISO-8601. */
    private static String text(Duration d) {
        if (d.getNano() == 0) {
            return d.getSeconds() + "s";
        }
        return d.getNano() % 1_000_000 == 0 && d.getSeconds() < Long.MAX_VALUE / 1000 ? d.toMillis() + "ms" : d.toString();
    }

    /**
     * The libraries' defaults for the engine at {@code engineUrl}: 1 s scrapes, the default connect and read timeouts
     * and body limit ({@link ScrapeConfig}), a 30 s window, stale after three intervals, the default targets, the
     * dialect detected among the built-in ones.
     */
    public static SidecarSettings defaults(URI engineUrl) {
        return new SidecarSettings(engineUrl, WindowConfig.DEFAULT_SCRAPE_INTERVAL, ScrapeConfig.DEFAULT_CONNECT_TIMEOUT,
                ScrapeConfig.DEFAULT_READ_TIMEOUT, ScrapeConfig.DEFAULT_MAX_BODY_BYTES, DialectRegistry.AUTO,
                WindowConfig.DEFAULT_SPAN, Optional.empty(), SaturationTargets.defaults(), DialectRegistry.standard());
    }

    /** Settings from configuration, for the engine at {@code engineUrl}; what is unset takes {@link #defaults}. */
    public static SidecarSettings from(SidecarConfig config, URI engineUrl) {
        return from(config, engineUrl, Optional.empty());
    }

    /**
     * As {@link #from(SidecarConfig, URI)}, with the scrape interval given on the command line (when present) in place
     * of the configured one, before anything is checked against it.
     */
    public static SidecarSettings from(SidecarConfig config, URI engineUrl, Optional<Duration> scrapeInterval) {
        DialectRegistry dialects = config.generic().isEmpty() ? DialectRegistry.standard()
                : DialectRegistry.standard(GenericDialect.fromConfig(config.generic()));
        return new SidecarSettings(engineUrl,
                scrapeInterval.or(config::scrapeInterval).orElse(WindowConfig.DEFAULT_SCRAPE_INTERVAL),
                config.connectTimeout().orElse(ScrapeConfig.DEFAULT_CONNECT_TIMEOUT),
                config.readTimeout().orElse(ScrapeConfig.DEFAULT_READ_TIMEOUT),
                config.maxBodyBytes().orElse(ScrapeConfig.DEFAULT_MAX_BODY_BYTES),
                config.dialect(),
                config.window().orElse(WindowConfig.DEFAULT_SPAN),
                config.staleAfter(),
                SaturationTargets.defaults().overriddenBy(config.targets()), dialects);
    }

    /**
     * The newest sample older than this makes the signals stale: the configured value, else
     * {@value WindowConfig#STALE_AFTER_INTERVALS} scrape intervals.
     */
    public Duration staleAfter() {
        return configuredStaleAfter.orElseGet(() -> WindowConfig.staleAfterFor(scrapeInterval));
    }

    /** The same settings scraping every {@code interval}; a stale-after that was not set follows the interval. */
    public SidecarSettings withScrapeInterval(Duration interval) {
        return new SidecarSettings(engineUrl, interval, connectTimeout, readTimeout, maxBodyBytes, dialect, window,
                configuredStaleAfter, targets, dialects);
    }

    public SidecarSettings withStaleAfter(Duration staleAfter) {
        return new SidecarSettings(engineUrl, scrapeInterval, connectTimeout, readTimeout, maxBodyBytes, dialect, window,
                staleAfter, targets, dialects);
    }

    public SidecarSettings withDialect(String name) {
        return new SidecarSettings(engineUrl, scrapeInterval, connectTimeout, readTimeout, maxBodyBytes, name, window,
                configuredStaleAfter, targets, dialects);
    }

    /** A monitor of the engine with these settings. */
    public EngineMonitor monitor(InstantSource clock) {
        ScrapeConfig scrape = ScrapeConfig.defaults(engineUrl)
                .withTimeouts(connectTimeout, readTimeout)
                .withMaxBodyBytes(maxBodyBytes)
                .withDialect(dialect);
        return new EngineMonitor(scrape, dialects, WindowConfig.forScrapeInterval(scrapeInterval, window, staleAfter()),
                targets, clock);
    }
}
