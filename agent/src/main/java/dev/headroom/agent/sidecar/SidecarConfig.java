package dev.headroom.agent.sidecar;

import dev.headroom.collectors.engine.DialectRegistry;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The sidecar's settings, read once at start ({@code headroom.sidecar.*}, or environment variables such as
 * {@code HEADROOM_SIDECAR_ENGINE_URL}). Command-line options of {@code headroom sidecar} override them.
 */
@ConfigMapping(prefix = "headroom.sidecar")
public interface SidecarConfig {

    /** The engine's metrics URL, e.g. {@code http://127.0.0.1:8000/metrics}. Required for the sidecar role. */
    Optional<String> engineUrl();

    // Unset durations and sizes take the defaults of the libraries that own them (resolved in SidecarSettings),
    // so that each default is written once: WindowConfig for the interval, window and stale-after, ScrapeConfig for
    // the timeouts and the body limit.

    /** How often the engine is scraped; unset: {@link dev.headroom.signals.WindowConfig#DEFAULT_SCRAPE_INTERVAL}. */
    Optional<Duration> scrapeInterval();

    /** Time allowed to open the connection to the engine; unset: {@code ScrapeConfig.DEFAULT_CONNECT_TIMEOUT}. */
    Optional<Duration> connectTimeout();

    /**
     * Time allowed for the whole scrape, body included; a scrape that takes longer fails and adds no sample.
     * Unset: {@code ScrapeConfig.DEFAULT_READ_TIMEOUT}.
     */
    Optional<Duration> readTimeout();

    /** The largest metrics body accepted, in bytes; unset: {@code ScrapeConfig.DEFAULT_MAX_BODY_BYTES}. */
    OptionalLong maxBodyBytes();

    /** The engine dialect: {@code auto} to detect it from the payload, or a dialect name such as {@code vllm}. */
    @WithDefault(DialectRegistry.AUTO)
    String dialect();

    /** How far back rates and latency quantiles look; unset: {@link dev.headroom.signals.WindowConfig#DEFAULT_SPAN}. */
    Optional<Duration> window();

    /**
     * The newest sample older than this makes the signals stale (shown as unknown, never as idle). Unset: three
     * scrape intervals; when set it must be longer than the scrape interval.
     */
    Optional<Duration> staleAfter();

    /**
     * Saturation targets by signal key ({@code kv_utilization=0.8}, {@code queue=4}, {@code ttft_p95=2}, ...);
     * unset keys keep their defaults.
     */
    Map<String, String> targets();

    /**
     * The user-defined {@code generic} dialect, for an engine no built-in dialect reads: keys such as
     * {@code queue.metric}, {@code queue.match}, {@code ttft.metric}, {@code ttft.scale} (see
     * {@code src/docs/engines.md}). Empty: no generic dialect. Validated at start; an error names the key.
     */
    Map<String, String> generic();
}
