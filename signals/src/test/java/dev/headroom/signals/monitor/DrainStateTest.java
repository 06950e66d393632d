package dev.headroom.signals.monitor;

import dev.headroom.collectors.scrape.ScrapeConfig;
import dev.headroom.signals.ManualClock;
import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.WindowConfig;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineServer;
import dev.headroom.simulator.ServerOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The drain verdict a {@code preStop} hook waits on, read by the sidecar's monitor from a simulated vLLM engine
 * served over loopback HTTP: drained when idle, busy with the counts while a request runs, drained again when it
 * finished, and unknown (never drained) once the engine stops answering or its signals go stale.
 */
class DrainStateTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final WindowConfig window = new WindowConfig(64, Duration.ofSeconds(30), Duration.ofSeconds(3));

    @Test
    void drainedBusyAndUnknownFollowTheEngine() throws Exception {
        EngineMonitor monitor;
        try (EngineServer engine = EngineServer.start(EngineConfig.demo(), ServerOptions.defaults().withTimeScale(8))) {
            monitor = new EngineMonitor(ScrapeConfig.defaults(engine.baseUri().resolve("/metrics")), window,
                    SaturationTargets.defaults(), clock);
            DrainState idle = DrainState.of(scrape(monitor));
            assertThat(idle.verdict()).isEqualTo(DrainState.Verdict.DRAINED);
            assertThat(idle.drained()).isTrue();
            assertThat(idle.running().getAsDouble()).isZero();
            assertThat(idle.waiting().getAsDouble()).isZero();

            CompletableFuture<?> request = engine.submit(200, 400);
            await().atMost(Duration.ofSeconds(10)).until(() -> DrainState.of(scrape(monitor)).verdict()
                    == DrainState.Verdict.BUSY);
            DrainState busy = DrainState.of(monitor.snapshot());
            assertThat(busy.drained()).isFalse();
            assertThat(busy.running().getAsDouble() + busy.waiting().getAsDouble()).isEqualTo(1.0);
            assertThat(busy.reason()).endsWith("waiting");

            request.get(30, TimeUnit.SECONDS);
            DrainState done = DrainState.of(scrape(monitor));
            assertThat(done.verdict()).as(done.reason()).isEqualTo(DrainState.Verdict.DRAINED);
        }
        // The engine is gone: its last reading was "drained", yet an unanswered scrape is not drained.
        DrainState gone = DrainState.of(scrape(monitor));
        assertThat(gone.verdict()).isEqualTo(DrainState.Verdict.UNKNOWN);
        assertThat(gone.drained()).isFalse();
        assertThat(gone.running()).isEmpty();
        assertThat(gone.reason()).contains("did not answer its last scrape").contains("unreachable");

        clock.advance(Duration.ofSeconds(10));
        DrainState stale = DrainState.of(monitor.snapshot());
        assertThat(stale.verdict()).isEqualTo(DrainState.Verdict.UNKNOWN);
    }

    @Test
    void anEngineNeverScrapedIsUnknown() {
        EngineMonitor monitor = new EngineMonitor(ScrapeConfig.defaults(java.net.URI.create(
                "http://127.0.0.1:9/metrics")), window, SaturationTargets.defaults(), clock);
        DrainState before = DrainState.of(monitor.snapshot());
        assertThat(before.verdict()).isEqualTo(DrainState.Verdict.UNKNOWN);
        assertThat(before.age()).isEmpty();
        assertThat(before.reason()).contains("not scraped yet");
    }

    private EngineState scrape(EngineMonitor monitor) {
        clock.advance(Duration.ofSeconds(1));
        return monitor.scrapeOnce();
    }
}
