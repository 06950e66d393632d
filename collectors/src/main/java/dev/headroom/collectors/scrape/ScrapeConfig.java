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
 * @param maxBodyBytes   largest body accepted, after decompression (default 4 MiB, sized for the sidecar's heap:
 *                       see {@code src/docs/signals.md}, "Memory budget"); enforced while reading
 * @param dialect        {@code auto} (detect from the families present) or a registered dialect name
 * @param limits         parser limits; its body limit is raised to {@code maxBodyBytes} when lower
 * @param auxiliaryTimeout time for the whole second fetch a dialect may ask for (llama.cpp's {@code /slots}),
 *                       connect included (default 1 s); when it passes, the signals that fetch gives stay unknown
 */
public record ScrapeConfig(URI url, Duration connectTimeout, Duration readTimeout, long maxBodyBytes, String dialect,
        ParserLimits limits, Duration auxiliaryTimeout) {

    public static final Duration DEFAULT_AUXILIARY_TIMEOUT = Duration.ofSeconds(1);
    /** The largest auxiliary document read; {@code /slots} of 64 slots is a few tens of KiB. */
    public static final int MAX_AUXILIARY_BYTES = 1024 * 1024;

    /** A configuration with the default auxiliary timeout. */
    public ScrapeConfig(URI url, Duration connectTimeout, Duration readTimeout, long maxBodyBytes, String dialect,
            ParserLimits limits) {
        this(url, connectTimeout, readTimeout, maxBodyBytes, dialect, limits, DEFAULT_AUXILIARY_TIMEOUT);
    }

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(2);
    public static final long DEFAULT_MAX_BODY_BYTES = ParserLimits.DEFAULT_MAX_BODY_BYTES;

    public ScrapeConfig {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("url must be http or https, got '" + url + "'");
        }
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("readTimeout", readTimeout);
        auxiliaryTimeout = auxiliaryTimeout == null ? DEFAULT_AUXILIARY_TIMEOUT : auxiliaryTimeout;
        requirePositive("auxiliaryTimeout", auxiliaryTimeout);
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

    /** Defaults for an endpoint: 1 s connect, 2 s read, 4 MiB, dialect detected. */
    public static ScrapeConfig defaults(URI url) {
        return new ScrapeConfig(url, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, DEFAULT_MAX_BODY_BYTES,
                DialectRegistry.AUTO, ParserLimits.DEFAULTS);
    }

    public ScrapeConfig withTimeouts(Duration connect, Duration read) {
        return new ScrapeConfig(url, connect, read, maxBodyBytes, dialect, limits, auxiliaryTimeout);
    }

    public ScrapeConfig withMaxBodyBytes(long bytes) {
        return new ScrapeConfig(url, connectTimeout, readTimeout, bytes, dialect, limits, auxiliaryTimeout);
    }

    public ScrapeConfig withDialect(String name) {
        return new ScrapeConfig(url, connectTimeout, readTimeout, maxBodyBytes, name, limits, auxiliaryTimeout);
    }

    public ScrapeConfig withAuxiliaryTimeout(Duration timeout) {
        return new ScrapeConfig(url, connectTimeout, readTimeout, maxBodyBytes, dialect, limits, timeout);
    }
}
