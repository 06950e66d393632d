package dev.headroom.agent.sidecar;

import dev.headroom.collectors.engine.DialectRegistry;
import dev.headroom.signals.Signal;
import dev.headroom.signals.WindowConfig;
import dev.headroom.signals.monitor.EngineMonitor;
import dev.headroom.signals.monitor.EngineState;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineServer;
import dev.headroom.simulator.ServerOptions;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * When the sidecar's signals turn stale, against its scrape interval: an unset stale-after follows the interval
 * (three of them), and one that would expire between two scrapes of a healthy engine is refused at start-up. The
 * monitor is the one the sidecar runs ({@link SidecarSettings#monitor}), scraping a simulated engine over loopback
 * HTTP; its clock is moved by hand, so "five seconds between scrapes" costs no wall time.
 */
class SidecarStalenessTest {

    private static final Duration FIVE_SECONDS = Duration.ofSeconds(5);
    private static final URI ENGINE = URI.create("http://127.0.0.1:8000/metrics");

    @Test
    void aFiveSecondScrapeIntervalNeverReadsStaleBetweenScrapesOfAHealthyEngine() throws Exception {
        HandClock clock = new HandClock(Instant.parse("2026-12-04T10:00:00Z"));
        try (EngineServer engine = EngineServer.start(EngineConfig.demo(), ServerOptions.defaults())) {
            SidecarSettings settings = SidecarSettings.from(new Config(Map.of()), engine.baseUri().resolve("/metrics"),
                    Optional.of(FIVE_SECONDS));
            assertThat(settings.staleAfter()).isEqualTo(Duration.ofSeconds(15));
            EngineMonitor monitor = settings.monitor(clock);
            // Some load, so that the signals are not all zero.
            CompletableFuture<?> request = engine.submit(200, 1800);

            // The runtime's fixed-delay schedule: the next scrape starts one interval after the last one ends, so two
            // samples lie one interval plus one scrape apart. Scrapes here take from 50 ms to the whole read timeout.
            Duration[] scrapeTakes = {Duration.ofMillis(50), settings.readTimeout(), Duration.ofMillis(300),
                    Duration.ofSeconds(1), Duration.ofMillis(50), settings.readTimeout()};
            int checks = 0;
            for (int scrape = 0; scrape < scrapeTakes.length; scrape++) {
                Instant sampled = clock.instant(); // a sample is stamped when its scrape starts
                assertThat(monitor.scrapeOnce().engineUp()).as("scrape %d", scrape).isTrue();
                Instant nextScrape = sampled.plus(scrapeTakes[scrape]).plus(settings.scrapeInterval());
                for (Instant t = sampled; t.isBefore(nextScrape); t = t.plusMillis(100)) {
                    clock.set(t);
                    assertFresh(monitor.snapshot(), scrape, t);
                    checks++;
                }
                clock.set(nextScrape.minusNanos(1));
                EngineState last = monitor.snapshot();
                assertFresh(last, scrape, clock.instant());
                // Older than the fixed 3 s the sidecar used to go stale at, whatever the interval.
                assertThat(last.signals().age()).isGreaterThan(Duration.ofSeconds(5));
                checks++;
                clock.set(nextScrape);
            }
            assertThat(checks).isGreaterThan(300);
            assertThat(monitor.snapshot().scrapesOk()).isEqualTo(scrapeTakes.length);
            request.cancel(true);
        }
    }

    private static void assertFresh(EngineState state, int scrape, Instant at) {
        assertThat(state.signals().stale()).as("stale after scrape %d, at %s (age %s)", scrape, at,
                state.signals().age()).isFalse();
        assertThat(state.signals().get(Signal.RUNNING)).as("running after scrape %d, at %s", scrape, at).isPresent();
        assertThat(state.saturation().composite()).as("saturation after scrape %d, at %s", scrape, at).isPresent();
    }

    @Test
    void anUnsetStaleAfterIsThreeScrapeIntervalsWhateverTheIntervalBecomes() {
        SidecarSettings configured = SidecarSettings.from(new Config(Map.of("scrape-interval", FIVE_SECONDS)), ENGINE);
        assertThat(configured.configuredStaleAfter()).isEmpty();
        assertThat(configured.staleAfter()).isEqualTo(Duration.ofSeconds(15));
        assertThat(configured.withScrapeInterval(Duration.ofMillis(250)).staleAfter()).isEqualTo(Duration.ofMillis(750));
        assertThat(SidecarSettings.from(new Config(Map.of()), ENGINE).staleAfter())
                .isEqualTo(WindowConfig.defaults().staleAfter()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aStaleAfterThatWasSetIsKeptWhenTheIntervalChanges() {
        SidecarSettings settings = SidecarSettings.from(new Config(Map.of("stale-after", Duration.ofSeconds(20))), ENGINE,
                Optional.of(FIVE_SECONDS));
        assertThat(settings.staleAfter()).isEqualTo(Duration.ofSeconds(20));
        assertThat(settings.withScrapeInterval(Duration.ofSeconds(2)).staleAfter()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void aStaleAfterNotLongerThanTheScrapeIntervalIsRefusedAtStartUpNamingKeyValueIntervalAndWhatWouldDo() {
        // The old fixed 3 s with a 5 s interval: stale for two seconds out of every five.
        assertThatThrownBy(() -> SidecarSettings.from(new Config(Map.of("stale-after", Duration.ofSeconds(3))), ENGINE,
                Optional.of(FIVE_SECONDS)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("headroom.sidecar.stale-after")
                .hasMessageContaining("was 3s with scrapes every 5s")
                .hasMessageContaining("--scrape-interval")
                .hasMessageContaining("set it above 5s, e.g. 15s, or leave it unset");
        // Equal is not enough either: the sample would expire at the very instant the next scrape starts.
        assertThatThrownBy(() -> SidecarSettings.from(new Config(Map.of("scrape-interval", Duration.ofMillis(500),
                "stale-after", Duration.ofMillis(500))), ENGINE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was 500ms with scrapes every 500ms");
        // The command line's interval is the one checked: a configured 5 s interval does not save a 3 s stale-after
        // from a 10 s one given as an option, and a 1 s option makes it acceptable.
        Config config = new Config(Map.of("scrape-interval", FIVE_SECONDS, "stale-after", Duration.ofSeconds(6)));
        assertThatThrownBy(() -> SidecarSettings.from(config, ENGINE, Optional.of(Duration.ofSeconds(10))))
                .hasMessageContaining("was 6s with scrapes every 10s");
        assertThat(SidecarSettings.from(config, ENGINE).staleAfter()).isEqualTo(Duration.ofSeconds(6));
        assertThatThrownBy(() -> SidecarSettings.defaults(ENGINE).withStaleAfter(Duration.ZERO))
                .hasMessageContaining("headroom.sidecar.stale-after must be a positive duration");
    }

    @Test
    void unsetSettingsTakeTheDefaultsOfTheLibrariesThatOwnThem() {
        SidecarSettings settings = SidecarSettings.from(new Config(Map.of()), ENGINE);
        assertThat(settings).usingRecursiveComparison().ignoringFields("dialects")
                .isEqualTo(SidecarSettings.defaults(ENGINE));
        assertThat(settings.dialects().names()).isEqualTo(DialectRegistry.standard().names());
        assertThat(settings.scrapeInterval()).isEqualTo(WindowConfig.DEFAULT_SCRAPE_INTERVAL);
        assertThat(settings.window()).isEqualTo(WindowConfig.DEFAULT_SPAN);
        assertThat(settings.connectTimeout()).isEqualTo(dev.headroom.collectors.scrape.ScrapeConfig.DEFAULT_CONNECT_TIMEOUT);
        assertThat(settings.readTimeout()).isEqualTo(dev.headroom.collectors.scrape.ScrapeConfig.DEFAULT_READ_TIMEOUT);
        assertThat(settings.maxBodyBytes()).isEqualTo(dev.headroom.collectors.scrape.ScrapeConfig.DEFAULT_MAX_BODY_BYTES);
        assertThat(settings.dialect()).isEqualTo(DialectRegistry.AUTO);
    }

    /** {@link SidecarConfig} as SmallRye would build it from the given {@code headroom.sidecar.*} durations. */
    private record Config(Map<String, Duration> durations) implements SidecarConfig {
        @Override
        public Optional<String> engineUrl() {
            return Optional.empty();
        }

        @Override
        public Optional<Duration> scrapeInterval() {
            return Optional.ofNullable(durations.get("scrape-interval"));
        }

        @Override
        public Optional<Duration> connectTimeout() {
            return Optional.ofNullable(durations.get("connect-timeout"));
        }

        @Override
        public Optional<Duration> readTimeout() {
            return Optional.ofNullable(durations.get("read-timeout"));
        }

        @Override
        public OptionalLong maxBodyBytes() {
            return OptionalLong.empty();
        }

        @Override
        public String dialect() {
            return DialectRegistry.AUTO;
        }

        @Override
        public Optional<Duration> window() {
            return Optional.ofNullable(durations.get("window"));
        }

        @Override
        public Optional<Duration> staleAfter() {
            return Optional.ofNullable(durations.get("stale-after"));
        }

        @Override
        public Map<String, String> targets() {
            return Map.of();
        }

        @Override
        public Map<String, String> generic() {
            return Map.of();
        }
    }

    /** A clock the test moves by hand. */
    private static final class HandClock implements InstantSource {
        private volatile Instant now;

        HandClock(Instant start) {
            this.now = start;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void set(Instant t) {
            now = t;
        }
    }
}
