package dev.headroom.collectors.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.collectors.Fixtures;
import dev.headroom.collectors.engine.DialectRegistry;
import dev.headroom.collectors.engine.GaugeSignal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scraper against a real HTTP server on loopback. */
class ScraperTest {

    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<String> acceptHeaders = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/metrics", ex -> {
            acceptHeaders.add(ex.getRequestHeaders().getFirst("Accept"));
            send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", Fixtures.engine(Fixtures.VLLM_V1), null);
        });
        server.createContext("/gzip", ex -> {
            assertThat(ex.getRequestHeaders().getFirst("Accept-Encoding")).isEqualTo("gzip");
            send(ex, 200, "text/plain; version=0.0.4", gzip(Fixtures.engine(Fixtures.VLLM_V0)), "gzip");
        });
        server.createContext("/redirect", ex -> {
            ex.getResponseHeaders().add("Location", "/metrics");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.createContext("/missing", ex -> send(ex, 404, "text/plain", "not found".getBytes(), null));
        server.createContext("/llamacpp", ex -> send(ex, 501, "application/json",
                "{\"error\":\"This server does not support metrics endpoint.\"}".getBytes(), null));
        server.createContext("/broken", ex -> send(ex, 500, "text/plain", "oops".getBytes(), null));
        server.createContext("/slow", ex -> {
            try {
                release.await(10, TimeUnit.SECONDS); // held until the test is over
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            send(ex, 200, "text/plain", "a 1\n".getBytes(), null);
        });
        server.createContext("/huge", ex -> {
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, 0); // chunked, no length announced
            byte[] line = "padding_metric{a=\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"} 1\n".getBytes();
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 2_000_000 / line.length; i++) {
                    out.write(line);
                }
            } catch (IOException clientGaveUp) {
                // expected: the scraper stops reading at its limit
            }
        });
        server.createContext("/gzipbomb", ex -> {
            byte[] zeros = new byte[4 * 1024 * 1024];
            send(ex, 200, "text/plain", gzip(zeros), "gzip");
        });
        server.createContext("/garbage", ex -> send(ex, 200, "text/plain",
                new byte[] {'v', 'l', 'l', 'm', ':', 'x', '{', 0x00, (byte) 0xff, '\n'}, null));
        server.createContext("/dcgm", ex -> send(ex, 200, "text/plain",
                Fixtures.engine("dcgm-exporter-datadog-2931c10.prom"), null));
        server.createContext("/openmetrics", ex -> send(ex, 200, "application/openmetrics-text; version=1.0.0",
                ("# TYPE vllm:num_requests_waiting gauge\nvllm:num_requests_waiting{model_name=\"m\"} 4\n# EOF\n")
                        .getBytes(StandardCharsets.UTF_8), null));
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body, String encoding) throws IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        if (encoding != null) {
            ex.getResponseHeaders().add("Content-Encoding", encoding);
        }
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(plain);
        }
        return bytes.toByteArray();
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private ScrapeOutcome scrape(ScrapeConfig config) {
        return new Scraper(config, DialectRegistry.standard(), CLOCK).scrape();
    }

    private ScrapeOutcome scrape(String path) {
        return scrape(ScrapeConfig.defaults(url(path)));
    }

    private static ScrapeOutcome.Failure failure(ScrapeOutcome outcome, FailureKind kind) {
        assertThat(outcome).isInstanceOf(ScrapeOutcome.Failure.class);
        ScrapeOutcome.Failure f = (ScrapeOutcome.Failure) outcome;
        assertThat(f.kind()).as(f.message()).isEqualTo(kind);
        assertThat(f.message()).doesNotContain("\n");
        return f;
    }

    @Test
    void scrapesARealPayloadIntoASample() {
        ScrapeOutcome outcome = scrape("/metrics");
        assertThat(outcome).isInstanceOfSatisfying(ScrapeOutcome.Success.class, s -> {
            assertThat(s.dialect()).isEqualTo("vllm");
            assertThat(s.sample().scrapedAt()).isEqualTo(NOW);
            assertThat(s.sample().engine().dialect()).isEqualTo("vllm-v1");
            assertThat(s.sample().gauge(GaugeSignal.KV_CAPACITY_TOKENS)).hasValue(9_276_672.0);
            assertThat(s.bodyBytes()).isEqualTo(Fixtures.engine(Fixtures.VLLM_V1).length);
            assertThat(s.url()).isEqualTo(url("/metrics"));
        });
        assertThat(acceptHeaders).containsExactly(Scraper.ACCEPT);
        assertThat(Scraper.ACCEPT).startsWith("application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4");
    }

    @Test
    void decompressesGzip() {
        assertThat(scrape("/gzip")).isInstanceOfSatisfying(ScrapeOutcome.Success.class, s -> {
            assertThat(s.sample().engine().dialect()).isEqualTo("vllm-v0");
            assertThat(s.bodyBytes()).isEqualTo(Fixtures.engine(Fixtures.VLLM_V0).length);
        });
    }

    @Test
    void followsRedirects() {
        assertThat(scrape("/redirect")).isInstanceOf(ScrapeOutcome.Success.class);
    }

    @Test
    void readsOpenMetricsWhenServed() {
        assertThat(scrape("/openmetrics")).isInstanceOfSatisfying(ScrapeOutcome.Success.class,
                s -> assertThat(s.sample().gauge(GaugeSignal.QUEUE)).hasValue(4.0));
    }

    @Test
    void notFoundMeansMetricsDisabledWithAHint() {
        ScrapeOutcome.Failure f = failure(scrape("/missing"), FailureKind.METRICS_DISABLED);
        assertThat(f.httpStatus()).isEqualTo(404);
        assertThat(f.message()).contains("HTTP 404", "llama.cpp: start llama-server with --metrics",
                "SGLang: start with --enable-metrics");
    }

    @Test
    void notImplementedMeansMetricsDisabled() {
        assertThat(failure(scrape("/llamacpp"), FailureKind.METRICS_DISABLED).httpStatus()).isEqualTo(501);
    }

    @Test
    void otherStatusesAreReportedAsSuch() {
        ScrapeOutcome.Failure f = failure(scrape("/broken"), FailureKind.HTTP_STATUS);
        assertThat(f.httpStatus()).isEqualTo(500);
        assertThat(f.message()).isEqualTo("HTTP 500 from " + url("/broken"));
    }

    @Test
    void aSlowServerTimesOut() {
        ScrapeConfig config = ScrapeConfig.defaults(url("/slow")).withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(300));
        ScrapeOutcome.Failure f = failure(scrape(config), FailureKind.TIMEOUT);
        assertThat(f.duration()).isLessThan(Duration.ofSeconds(5));
        assertThat(f.message()).contains("300 ms");
    }

    @Test
    void anOversizedBodyIsCutOffWhileStreaming() {
        ScrapeOutcome.Failure f = failure(scrape(ScrapeConfig.defaults(url("/huge")).withMaxBodyBytes(64 * 1024)),
                FailureKind.TOO_LARGE);
        assertThat(f.message()).contains("limit of 65536 bytes");
    }

    @Test
    void aGzipBombIsBoundedToo() {
        ScrapeOutcome.Failure f = failure(scrape(ScrapeConfig.defaults(url("/gzipbomb")).withMaxBodyBytes(1024 * 1024)),
                FailureKind.TOO_LARGE);
        assertThat(f.message()).contains("inflates past the limit of 1048576 bytes");
    }

    @Test
    void aClosedPortIsUnreachable() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        ScrapeOutcome.Failure f = failure(scrape(ScrapeConfig.defaults(URI.create("http://127.0.0.1:" + port + "/metrics"))),
                FailureKind.UNREACHABLE);
        assertThat(f.url().getPort()).isEqualTo(port);
    }

    @Test
    void garbageIsMalformedWithLineAndColumn() {
        ScrapeOutcome.Failure f = failure(scrape("/garbage"), FailureKind.MALFORMED);
        assertThat(f.line()).isEqualTo(1);
        assertThat(f.column()).isEqualTo(8);
        assertThat(f.message()).contains("line 1, column 8: expected a label name or '}', found byte 0x00");
    }

    @Test
    void anotherEngineIsUnrecognisedWithTheFamiliesSeen() {
        ScrapeOutcome.Failure f = failure(scrape("/dcgm"), FailureKind.UNRECOGNISED);
        assertThat(f.message()).startsWith(url("/dcgm") + ": no dialect (vllm, sglang, tgi, triton, trtllm-serve, "
                + "llamacpp, lmdeploy) recognised these ").contains("DCGM_FI_DEV_").contains("configure the generic dialect");
    }

    @Test
    void aConfiguredDialectIsUsedWithoutDetection() {
        ScrapeOutcome outcome = scrape(ScrapeConfig.defaults(url("/metrics")).withDialect("vllm"));
        assertThat(outcome).isInstanceOf(ScrapeOutcome.Success.class);
    }

}
