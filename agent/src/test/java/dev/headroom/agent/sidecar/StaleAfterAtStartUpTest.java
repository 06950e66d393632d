package dev.headroom.agent.sidecar;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real launcher with {@code headroom.sidecar.stale-after=3s} configured: asked to scrape every 5 s, the sidecar
 * refuses to start (a usage error naming the key, both values and what would do) rather than run with signals that
 * read stale for two seconds out of every five.
 */
@QuarkusMainTest
@TestProfile(StaleAfterAtStartUpTest.ThreeSeconds.class)
class StaleAfterAtStartUpTest {

    public static final class ThreeSeconds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("headroom.sidecar.stale-after", "3s");
        }
    }

    @ParameterizedTest(name = "{0} 5s")
    @ValueSource(strings = {"--scrape-interval", "--interval"})
    void aStaleAfterShorterThanTheScrapeIntervalStopsTheSidecarBeforeItStarts(String option, QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("sidecar", "--engine-url", "http://127.0.0.1:1/metrics", option, "5s");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.getErrorOutput())
                .contains("headroom.sidecar.stale-after", "was 3s with scrapes every 5s", "e.g. 15s", "leave it unset")
                .doesNotContain("at dev.headroom");
    }
}
