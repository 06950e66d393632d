package dev.headroom.collectors.scrape;

import dev.headroom.collectors.engine.DialectRegistry;
import dev.headroom.collectors.exposition.ParserLimits;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to scrape one engine.
 *
 * @param url            the engine's metrics endpoint, e.g. {@code http://127.0.0.1:8000/metrics}
 * @param connectTimeout time to open the connection (default 1 s)
 * @param readTimeout    time for the whole request, headers and body (default 2 s)
 * @param maxBodyBytes   largest body accepted, compressed or not (default 16 MiB); enforced while reading
 * @param dialect        {@code auto} (detect from the families present) or a registered dialect name
 * @param limits         parser limits; its body limit is raised to {@code maxBodyBytes} when lower
 */
public record ScrapeConfig(URI url, Duration connectTimeout, Duration readTimeout, long maxBodyBytes, String dialect,
        ParserLimits limits) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(2);
    public static final long DEFAULT_MAX_BODY_BYTES = 16L * 1024 * 1024;

    public ScrapeConfig {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("url must be http or https, got '" + url + "'");
        }
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("readTimeout", readTimeout);
        if (maxBodyBytes <= 0 || maxBodyBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxBodyBytes must be between 1 and " + (Integer.MAX_VALUE - 8)
                    + ", got " + maxBodyBytes);
        }
        dialect = dialect == null || dialect.isBlank() ? DialectRegistry.AUTO : dialect;
        limits = limits == null ? ParserLimits.DEFAULTS : limits;
        if (limits.maxBodyBytes() != maxBodyBytes) {
            limits = limits.withMaxBodyBytes(maxBodyBytes);
        }
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
        }
    }

    /** Defaults for an endpoint: 1 s connect, 2 s read, 16 MiB, dialect detected. */
    public static ScrapeConfig defaults(URI url) {
        return new ScrapeConfig(url, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, DEFAULT_MAX_BODY_BYTES,
                DialectRegistry.AUTO, ParserLimits.DEFAULTS);
    }

    public ScrapeConfig withTimeouts(Duration connect, Duration read) {
        return new ScrapeConfig(url, connect, read, maxBodyBytes, dialect, limits);
    }

    public ScrapeConfig withMaxBodyBytes(long bytes) {
        return new ScrapeConfig(url, connectTimeout, readTimeout, bytes, dialect, limits);
    }

    public ScrapeConfig withDialect(String name) {
        return new ScrapeConfig(url, connectTimeout, readTimeout, maxBodyBytes, name, limits);
    }
}
