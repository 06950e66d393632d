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

/**
 * The sidecar's validated settings: {@link SidecarConfig} with the command line's overrides applied, and the
 * dialects to choose from (the built-in ones, plus the user's generic one when configured).
 */
public record SidecarSettings(
        URI engineUrl,
        Duration scrapeInterval,
        Duration connectTimeout,
        Duration readTimeout,
        long maxBodyBytes,
        String dialect,
        Duration window,
        Duration staleAfter,
        SaturationTargets targets,
        DialectRegistry dialects) {

    public SidecarSettings {
        Objects.requireNonNull(engineUrl, "engineUrl");
        String scheme = engineUrl.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme) || engineUrl.getHost() == null) {
            throw new IllegalArgumentException("headroom.sidecar.engine-url must be an http(s) URL such as "
                    + "http://127.0.0.1:8000/metrics, was '" + engineUrl + "'");
        }
        requirePositive("headroom.sidecar.scrape-interval", scrapeInterval);
        requirePositive("headroom.sidecar.connect-timeout", connectTimeout);
        requirePositive("headroom.sidecar.read-timeout", readTimeout);
        requirePositive("headroom.sidecar.window", window);
        requirePositive("headroom.sidecar.stale-after", staleAfter);
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("headroom.sidecar.max-body-bytes must be at least 1024, was " + maxBodyBytes);
        }
        if (window.compareTo(scrapeInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("headroom.sidecar.window (" + window + ") must cover at least two scrape "
                    + "intervals (" + scrapeInterval + ") to derive rates");
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

    private static void requirePositive(String key, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(key + " must be a positive duration (e.g. 1s, 500ms), was " + d);
        }
    }

    /** Settings from configuration, for the engine at {@code engineUrl}. */
    public static SidecarSettings from(SidecarConfig config, URI engineUrl) {
        DialectRegistry dialects = config.generic().isEmpty() ? DialectRegistry.standard()
                : DialectRegistry.standard(GenericDialect.fromConfig(config.generic()));
        return new SidecarSettings(engineUrl, config.scrapeInterval(), config.connectTimeout(), config.readTimeout(),
                config.maxBodyBytes(), config.dialect(), config.window(), config.staleAfter(),
                SaturationTargets.defaults().overriddenBy(config.targets()), dialects);
    }

    public SidecarSettings withScrapeInterval(Duration interval) {
        return new SidecarSettings(engineUrl, interval, connectTimeout, readTimeout, maxBodyBytes, dialect, window,
                staleAfter, targets, dialects);
    }

    public SidecarSettings withDialect(String name) {
        return new SidecarSettings(engineUrl, scrapeInterval, connectTimeout, readTimeout, maxBodyBytes, name, window,
                staleAfter, targets, dialects);
    }

    /** A monitor of the engine with these settings. */
    public EngineMonitor monitor(InstantSource clock) {
        ScrapeConfig scrape = ScrapeConfig.defaults(engineUrl)
                .withTimeouts(connectTimeout, readTimeout)
                .withMaxBodyBytes(maxBodyBytes)
                .withDialect(dialect);
        WindowConfig sized = WindowConfig.forScrapeInterval(scrapeInterval, window);
        return new EngineMonitor(scrape, dialects, new WindowConfig(sized.maxSamples(), sized.maxSpan(), staleAfter), targets,
                clock);
    }
}
