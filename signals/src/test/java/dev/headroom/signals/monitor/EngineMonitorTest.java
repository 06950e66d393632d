package dev.headroom.signals.monitor;

import dev.headroom.signals.ManualClock;
import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;
import dev.headroom.signals.WindowConfig;
import dev.headroom.collectors.scrape.ScrapeConfig;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineServer;
import dev.headroom.simulator.ServerOptions;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sidecar's data path against a real simulated engine over HTTP. The monitor's clock is moved by hand
 * (one second per scrape), so rates and staleness do not depend on how fast this machine is.
 */
class EngineMonitorTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T10:00:00Z"));
    private final WindowConfig window = new WindowConfig(64, Duration.ofSeconds(30), Duration.ofSeconds(3));

    @Test
    void signalsAndSaturationFollowTheEngineUnderLoad() throws Exception {
        try (EngineServer engine = EngineServer.start(EngineConfig.demo(), ServerOptions.defaults().withTimeScale(8))) {
            EngineMonitor monitor = monitor(engine.baseUri().resolve("/metrics"));
            EngineState idle = scrape(monitor);
            assertThat(idle.engineUp()).isTrue();
            assertThat(idle.signals().get(Signal.RUNNING)).hasValue(0);
            assertThat(idle.signals().get(Signal.KV_CAPACITY_TOKENS)).hasValue(EngineConfig.demo().kvCapacityTokens());

            // 20 long requests: more KV than the demo engine has, so some wait.
            for (int i = 0; i < 20; i++) {
                engine.submit(500, 400);
            }
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
                EngineState busy = scrape(monitor);
                assertThat(busy.signals().get(Signal.RUNNING).orElseThrow()).isPositive();
                assertThat(busy.signals().get(Signal.QUEUE).orElseThrow()).isPositive();
                assertThat(busy.signals().get(Signal.KV_UTILIZATION).orElseThrow()).isGreaterThan(0.5);
                assertThat(busy.signals().get(Signal.GENERATION_TPS).orElseThrow()).isPositive();
                assertThat(busy.saturation().composite().orElseThrow()).isGreaterThan(0.6);
                assertThat(busy.signals().stale()).isFalse();
            });
            EngineState last = monitor.snapshot();
            assertThat(last.scrapesOk()).isGreaterThanOrEqualTo(2);
            assertThat(last.scrapesFailed()).isZero();
            assertThat(last.lastScrape()).hasValueSatisfying(s -> {
                assertThat(s.ok()).isTrue();
                assertThat(s.dialect()).isEqualTo("vllm");
            });
        }
    }

    @Test
    void anEngineThatStopsAnsweringTurnsStaleNeverIdle() throws Exception {
        EngineMonitor monitor;
        try (EngineServer engine = EngineServer.start(EngineConfig.demo(), ServerOptions.defaults())) {
            monitor = monitor(engine.baseUri().resolve("/metrics"));
            CompletableFuture<?> request = engine.submit(300, 1500);
            scrape(monitor);
            EngineState before = scrape(monitor);
            assertThat(before.engineUp()).isTrue();
            assertThat(before.saturation().composite()).isPresent();
            request.cancel(true);
        }
        // The engine is gone. Within the stale window the last sample still stands, marked up=false.
        EngineState justFailed = scrape(monitor);
        assertThat(justFailed.engineUp()).isFalse();
        assertThat(justFailed.lastScrape().orElseThrow().outcome()).isEqualTo("unreachable");
        assertThat(justFailed.scrapesFailed()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(3));
        EngineState stale = monitor.snapshot();
        assertThat(stale.signals().stale()).isTrue();
        assertThat(stale.signals().values()).isEmpty();
        assertThat(stale.saturation().composite()).isEmpty();
    }

    @Test
    void aClosedPortIsReportedWithNoSignals() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EngineMonitor monitor = monitor(URI.create("http://127.0.0.1:" + port + "/metrics"));
        EngineState state = monitor.scrapeOnce();

        assertThat(state.engineUp()).isFalse();
        assertThat(state.lastScrape().orElseThrow().message()).contains("127.0.0.1:" + port);
        assertThat(state.signals().hasData()).isFalse();
        assertThat(state.saturation().composite()).isEmpty();
    }

    private EngineMonitor monitor(URI url) {
        return new EngineMonitor(ScrapeConfig.defaults(url), window, SaturationTargets.defaults(), clock);
    }

    private EngineState scrape(EngineMonitor monitor) {
        clock.advance(Duration.ofSeconds(1));
        return monitor.scrapeOnce();
    }
}
