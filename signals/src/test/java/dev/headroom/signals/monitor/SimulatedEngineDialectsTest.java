package dev.headroom.signals.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.signals.monitor.EngineMonitor;
import dev.headroom.signals.monitor.EngineState;
import dev.headroom.signals.ManualClock;
import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;
import dev.headroom.signals.WindowConfig;
import dev.headroom.collectors.scrape.ScrapeConfig;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineServer;
import dev.headroom.simulator.MetricsFormat;
import dev.headroom.simulator.ServerOptions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each dialect end to end under load: the simulated engine speaks SGLang's or TGI's format over real HTTP, the
 * monitor detects the engine, and queue, running, KV and tokens/s rise. SGLang's gauges come from two
 * tensor-parallel ranks; a running count equal to the engine's (not twice it) proves they are not summed.
 */
class SimulatedEngineDialectsTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T10:00:00Z"));

    @ParameterizedTest(name = "{0}")
    @CsvSource({"SGLANG, sglang", "TGI, tgi", "VLLM, vllm"})
    void signalsFollowTheSimulatedEngineUnderLoad(MetricsFormat format, String dialect) throws Exception {
        EngineConfig config = EngineConfig.demo();
        try (EngineServer engine = EngineServer.start(config, ServerOptions.defaults().withTimeScale(8)
                .withFormat(format))) {
            EngineMonitor monitor = new EngineMonitor(ScrapeConfig.defaults(engine.baseUri().resolve("/metrics")),
                    new WindowConfig(64, Duration.ofSeconds(30), Duration.ofSeconds(3)), SaturationTargets.defaults(),
                    clock);
            EngineState idle = scrape(monitor);
            assertThat(idle.lastScrape().orElseThrow().dialect()).isEqualTo(dialect);
            assertThat(idle.signals().get(Signal.RUNNING)).hasValue(0);
            assertThat(idle.signals().get(Signal.KV_CAPACITY_TOKENS)).hasValue(config.kvCapacityTokens());

            for (int i = 0; i < 20; i++) {
                engine.submit(500, 400);
            }
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
                EngineState busy = scrape(monitor);
                double running = busy.signals().get(Signal.RUNNING).orElseThrow();
                assertThat(running).isPositive().isLessThanOrEqualTo(config.maxNumSeqs());
                assertThat(busy.signals().get(Signal.QUEUE).orElseThrow()).isPositive();
                assertThat(busy.signals().get(Signal.KV_UTILIZATION).orElseThrow()).isGreaterThan(0.5)
                        .isLessThanOrEqualTo(1.0);
                assertThat(busy.signals().get(Signal.GENERATION_TPS).orElseThrow()).isPositive();
                assertThat(busy.signals().stale()).isFalse();
            });
            assertThat(monitor.snapshot().scrapesFailed()).isZero();
        }
    }

    private EngineState scrape(EngineMonitor monitor) {
        clock.advance(Duration.ofSeconds(1));
        return monitor.scrapeOnce();
    }
}
