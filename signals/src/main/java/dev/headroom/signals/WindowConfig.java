package dev.headroom.signals;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds of a {@link SampleWindow} and when its data counts as stale.
 *
 * @param maxSamples at most this many samples are kept (at least 2: a rate needs two)
 * @param maxSpan    samples older than the newest one by more than this are dropped; rates and quantiles
 *                   are computed over at most this span
 * @param staleAfter when the newest sample is older than this, the window reports stale signals and no
 *                   values; by default {@value #STALE_AFTER_INTERVALS} scrape intervals, which tolerates one or
 *                   two slow or failed scrapes. It must be longer than the scrape interval, or the signals would
 *                   read stale for a moment before every scrape ({@link #forScrapeInterval(Duration, Duration,
 *                   Duration)} checks it; this record does not know the interval)
 */
public record WindowConfig(int maxSamples, Duration maxSpan, Duration staleAfter) {

    /** The scrape interval the defaults assume, in seconds: a constant for annotations and help texts. */
    public static final long DEFAULT_SCRAPE_INTERVAL_SECONDS = 1;
    /** The scrape interval the defaults assume. */
    public static final Duration DEFAULT_SCRAPE_INTERVAL = Duration.ofSeconds(DEFAULT_SCRAPE_INTERVAL_SECONDS);
    /** Long enough to smooth a bursty arrival process, short enough to follow a ramp within a minute. */
    public static final Duration DEFAULT_SPAN = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_SAMPLES = 128;
    /** Stale after this many scrape intervals without a sample, unless set: one or two missed scrapes are tolerated. */
    public static final int STALE_AFTER_INTERVALS = 3;
    /**
     * A cap on derived sizes: a sample with four histograms is about a kilobyte. No sidecar's window holds more, so
     * a report of more samples is not a sidecar's.
     */
    public static final int MAX_SAMPLES_LIMIT = 4096;

    private static final WindowConfig DEFAULTS = forScrapeInterval(DEFAULT_SCRAPE_INTERVAL, DEFAULT_SPAN);

    public WindowConfig {
        if (maxSamples < 2) {
            throw new IllegalArgumentException("window maxSamples must be at least 2 (a rate needs two samples), got "
                    + maxSamples);
        }
        requirePositive("maxSpan", maxSpan);
        requirePositive("staleAfter", staleAfter);
    }

    private static void requirePositive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("window " + name + " must be a positive duration, got " + d);
        }
    }

    /** 1 s scrapes: 30 s span, at most 128 samples, stale after 3 s. */
    public static WindowConfig defaults() {
        return DEFAULTS;
    }

    /** The stale-after that goes with scrapes every {@code scrapeInterval}: {@value #STALE_AFTER_INTERVALS} intervals. */
    public static Duration staleAfterFor(Duration scrapeInterval) {
        requirePositive("scrapeInterval", scrapeInterval);
        return scrapeInterval.multipliedBy(STALE_AFTER_INTERVALS);
    }

    /**
     * A window for scrapes every {@code scrapeInterval}: stale after {@value #STALE_AFTER_INTERVALS} intervals, the
     * span as given, and room for every sample in the span plus slack for scrapes that come early.
     */
    public static WindowConfig forScrapeInterval(Duration scrapeInterval, Duration span) {
        return forScrapeInterval(scrapeInterval, span, staleAfterFor(scrapeInterval));
    }

    /**
     * As {@link #forScrapeInterval(Duration, Duration)}, with the stale-after given.
     *
     * @throws IllegalArgumentException when {@code staleAfter} is not longer than {@code scrapeInterval}: the
     *                                  newest sample would turn stale before the next scrape could replace it
     */
    public static WindowConfig forScrapeInterval(Duration scrapeInterval, Duration span, Duration staleAfter) {
        requirePositive("scrapeInterval", scrapeInterval);
        requirePositive("maxSpan", span);
        requirePositive("staleAfter", staleAfter);
        if (staleAfter.compareTo(scrapeInterval) <= 0) {
            throw new IllegalArgumentException("window staleAfter (" + staleAfter + ") must be longer than the scrape "
                    + "interval (" + scrapeInterval + "), or the signals read stale before every scrape; e.g. "
                    + staleAfterFor(scrapeInterval) + " (" + STALE_AFTER_INTERVALS + " intervals)");
        }
        long perSpan = span.toNanos() / scrapeInterval.toNanos() + 1;
        int maxSamples = (int) Math.max(DEFAULT_MAX_SAMPLES, Math.min(perSpan * 2, MAX_SAMPLES_LIMIT));
        return new WindowConfig(maxSamples, span, staleAfter);
    }
}
