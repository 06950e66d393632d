package dev.headroom.agent.demo;

import dev.headroom.simulator.EngineConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The demo runs live, in wall-clock time, and sends real requests: a duration of years or a billion requests a second
 * is refused by name before anything starts, as every other bad flag.
 */
class DemoOptionsTest {

    private static final Path REPORTS = Path.of("unused");

    private static ScalingDemo.Options scaling(double toRps, Duration coldStart) {
        return new ScalingDemo.Options(Duration.ofSeconds(60), Duration.ofSeconds(60), 0.5, toRps, 42, REPORTS,
                EngineConfig.demo(), 6, coldStart, Duration.ofSeconds(20), Duration.ofSeconds(1));
    }

    @Test
    void theFirstActRefusesARampOfYearsAndARateNoDemoEngineCouldTake() {
        assertThatThrownBy(() -> new DemoRun.Options(Duration.ofHours(99_999), 0.5, 8, 42, REPORTS, EngineConfig.demo()))
                .hasMessageContaining("--duration must be positive and at most 1h");
        assertThatThrownBy(() -> new DemoRun.Options(Duration.ofSeconds(60), 0.5, 1e9, 42, REPORTS, EngineConfig.demo()))
                .hasMessageContaining("--to-rps above 0 to 1000");
        assertThatThrownBy(() -> new DemoRun.Options(Duration.ofSeconds(60), -1, 8, 42, REPORTS, EngineConfig.demo()))
                .hasMessageContaining("--from-rps must be 0 to 1000");
        assertThat(new DemoRun.Options(Duration.ofHours(1), 0, 1000, 42, REPORTS, EngineConfig.demo()).toRps())
                .isEqualTo(1000);
    }

    @Test
    void theScalingActRefusesAFloodAndAColdStartOfYears() {
        assertThatThrownBy(() -> scaling(1e7, Duration.ofSeconds(10))).hasMessageContaining("--scaling-to-rps above 0");
        assertThatThrownBy(() -> scaling(14, Duration.ofHours(99_999))).hasMessageContaining("--cold-start must be 0 to 1h");
        assertThat(scaling(14, Duration.ofSeconds(10)).coldStart()).isEqualTo(Duration.ofSeconds(10));
    }
}
