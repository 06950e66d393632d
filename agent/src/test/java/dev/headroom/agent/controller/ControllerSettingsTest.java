package dev.headroom.agent.controller;

import dev.headroom.autoscaler.kubernetes.HeadroomController;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The controller's durations: each default is the controller's own, configuration overrides it key by key. */
class ControllerSettingsTest {

    @Test
    void unsetDurationsAreTheControllersOwnDefaults() {
        assertThat(ControllerRun.settings(new Config(Map.of()))).isEqualTo(HeadroomController.Settings.defaults());
    }

    @Test
    void eachConfiguredDurationReplacesItsDefaultOnly() {
        HeadroomController.Settings defaults = HeadroomController.Settings.defaults();
        HeadroomController.Settings settings = ControllerRun.settings(new Config(Map.of("max-data-age",
                Duration.ofSeconds(20))));
        assertThat(settings.maxDataAge()).isEqualTo(Duration.ofSeconds(20));
        assertThat(settings.interval()).isEqualTo(defaults.interval());
        assertThat(settings.readinessDelay()).isEqualTo(defaults.readinessDelay());
        assertThat(ControllerRun.settings(new Config(Map.of("interval", Duration.ofMillis(250),
                "readiness-delay", Duration.ZERO))))
                .isEqualTo(new HeadroomController.Settings(Optional.empty(), Duration.ofMillis(250),
                        defaults.maxDataAge(), Duration.ZERO));
    }

    /** {@link ControllerConfig} as SmallRye would build it from the given {@code headroom.controller.*} durations. */
    private record Config(Map<String, Duration> durations) implements ControllerConfig {
        @Override
        public Optional<String> namespace() {
            return Optional.empty();
        }

        @Override
        public Optional<Duration> interval() {
            return Optional.ofNullable(durations.get("interval"));
        }

        @Override
        public Duration pollTimeout() {
            return Duration.ofMillis(500);
        }

        @Override
        public Optional<Duration> maxDataAge() {
            return Optional.ofNullable(durations.get("max-data-age"));
        }

        @Override
        public Optional<Duration> readinessDelay() {
            return Optional.ofNullable(durations.get("readiness-delay"));
        }

        @Override
        public boolean leaderElection() {
            return false;
        }

        @Override
        public int shards() {
            return 1;
        }

        @Override
        public boolean decisionsOnHttpPort() {
            return true;
        }

        @Override
        public String leaseName() {
            return "headroom-controller";
        }

        @Override
        public Optional<String> leaseNamespace() {
            return Optional.empty();
        }

        @Override
        public Optional<String> identity() {
            return Optional.empty();
        }
    }
}
