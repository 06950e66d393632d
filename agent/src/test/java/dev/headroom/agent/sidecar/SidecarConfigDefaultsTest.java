package dev.headroom.agent.sidecar;

import dev.headroom.collectors.scrape.ScrapeConfig;
import dev.headroom.signals.Signal;
import dev.headroom.signals.WindowConfig;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The sidecar's configuration as Quarkus reads it: what the test properties leave unset takes the libraries' defaults. */
@QuarkusTest
class SidecarConfigDefaultsTest {

    @Inject
    SidecarConfig config;

    @Test
    void unsetKeysResolveToTheLibrariesDefaultsAndStaleAfterToThreeIntervals() {
        assertThat(config.scrapeInterval()).isEmpty();
        assertThat(config.staleAfter()).isEmpty();
        SidecarSettings settings = SidecarSettings.from(config, URI.create("http://127.0.0.1:8000/metrics"));
        assertThat(settings.scrapeInterval()).isEqualTo(WindowConfig.DEFAULT_SCRAPE_INTERVAL);
        assertThat(settings.window()).isEqualTo(WindowConfig.DEFAULT_SPAN);
        assertThat(settings.connectTimeout()).isEqualTo(ScrapeConfig.DEFAULT_CONNECT_TIMEOUT);
        assertThat(settings.readTimeout()).isEqualTo(ScrapeConfig.DEFAULT_READ_TIMEOUT);
        assertThat(settings.maxBodyBytes()).isEqualTo(ScrapeConfig.DEFAULT_MAX_BODY_BYTES);
        assertThat(settings.staleAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.withScrapeInterval(Duration.ofSeconds(5)).staleAfter()).isEqualTo(Duration.ofSeconds(15));
        // The one key the test properties do set still counts.
        assertThat(settings.targets().get(Signal.QUEUE)).hasValue(6.0);
    }
}
