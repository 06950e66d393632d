package dev.headroom.collectors.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.collectors.Fixtures;
import dev.headroom.collectors.engine.DialectRegistry;
import dev.headroom.collectors.engine.EngineSample;
import dev.headroom.collectors.engine.GaugeSignal;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * llama.cpp's KV occupancy comes from a second fetch of {@code /slots}: a real loopback server answers with real
 * captures, switches {@code /slots} off (HTTP 501, as {@code llama-server} without {@code --slots}), holds it past
 * the timeout, or sends garbage. Whatever {@code /slots} does, the metrics still make a sample; KV is then unknown.
 */
class AuxiliaryReadingTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T00:00:00Z"), ZoneOffset.UTC);

    private HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicReference<String> slotsMode = new AtomicReference<>("busy");

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.createContext("/metrics", ex -> send(ex, 200, Fixtures.engine("llamacpp-b11669-busy.prom")));
        server.createContext("/slots", ex -> {
            switch (slotsMode.get()) {
                case "busy" -> send(ex, 200, Fixtures.engine("llamacpp-b11669-slots-busy.json"));
                case "idle" -> send(ex, 200, Fixtures.engine("llamacpp-b11669-slots-idle.json"));
                case "disabled" -> send(ex, 501, ("{\"error\":{\"code\":501,\"message\":\"This server does not "
                        + "support slots endpoint. Start it with `--slots`\",\"type\":\"not_supported_error\"}}")
                        .getBytes());
                case "garbage" -> send(ex, 200, "[{\"n_ctx\": 512, \"is_processing\": tru".getBytes());
                default -> {
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    send(ex, 200, Fixtures.engine("llamacpp-b11669-slots-busy.json"));
                }
            }
        });
        // Behind a path-routing proxy: llama.cpp under /llama/, /slots at the root belongs to something else.
        server.createContext("/llama/metrics", ex -> send(ex, 200, Fixtures.engine("llamacpp-b11669-busy.prom")));
        server.createContext("/llama/slots", ex -> send(ex, 200, Fixtures.engine("llamacpp-b11669-slots-idle.json")));
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private EngineSample scrape() {
        ScrapeConfig config = ScrapeConfig.defaults(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                + "/metrics")).withAuxiliaryTimeout(Duration.ofMillis(300));
        ScrapeOutcome outcome = new Scraper(config, DialectRegistry.standard(), CLOCK).scrape();
        assertThat(outcome).isInstanceOf(ScrapeOutcome.Success.class);
        ScrapeOutcome.Success ok = (ScrapeOutcome.Success) outcome;
        assertThat(ok.dialect()).isEqualTo("llamacpp");
        EngineSample s = ok.sample();
        assertThat(s.gauge(GaugeSignal.RUNNING)).hasValue(2.0);
        assertThat(s.gauge(GaugeSignal.QUEUE)).hasValue(2.0);
        return s;
    }

    @Test
    void behindAPathRoutingProxyTheSlotsBesideTheMetricsAreRead() {
        // /slots at the root answers "busy" (38/1024); the engine's own, /llama/slots, is idle.
        ScrapeConfig config = ScrapeConfig.defaults(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                + "/llama/metrics")).withAuxiliaryTimeout(Duration.ofMillis(300));
        ScrapeOutcome.Success ok = (ScrapeOutcome.Success) new Scraper(config, DialectRegistry.standard(), CLOCK)
                .scrape();
        assertThat(ok.sample().gauge(GaugeSignal.KV_UTILIZATION)).hasValue(0.0);
        assertThat(ok.sample().gauge(GaugeSignal.KV_CAPACITY_TOKENS)).hasValue(1024.0);
    }

    @Test
    void busySlotsGiveTheTokensHeldOverTheirContext() {
        EngineSample s = scrape();
        // two processing slots of n_ctx 512, each holding n_prompt_tokens = 19
        assertThat(s.gauge(GaugeSignal.KV_UTILIZATION)).hasValue(38.0 / 1024);
        assertThat(s.gauge(GaugeSignal.KV_CAPACITY_TOKENS)).hasValue(1024.0);
    }

    @Test
    void idleSlotsAreFreeEvenWithAPromptCached() {
        slotsMode.set("idle");
        EngineSample s = scrape();
        assertThat(s.gauge(GaugeSignal.KV_UTILIZATION)).hasValue(0.0);
        assertThat(s.gauge(GaugeSignal.KV_CAPACITY_TOKENS)).hasValue(1024.0);
    }

    @Test
    void slotsSwitchedOffLeaveKvUnknown() {
        slotsMode.set("disabled");
        EngineSample s = scrape();
        assertThat(s.gauge(GaugeSignal.KV_UTILIZATION)).isEmpty();
        assertThat(s.gauge(GaugeSignal.KV_CAPACITY_TOKENS)).isEmpty();
    }

    @Test
    void slotsThatDoNotAnswerInTimeLeaveKvUnknownWithinTheAuxiliaryTimeout() {
        slotsMode.set("hang");
        long started = System.nanoTime();
        EngineSample s = scrape();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(s.gauge(GaugeSignal.KV_UTILIZATION)).isEmpty();
    }

    @Test
    void malformedSlotsLeaveKvUnknown() {
        slotsMode.set("garbage");
        assertThat(scrape().gauge(GaugeSignal.KV_UTILIZATION)).isEmpty();
    }
}
