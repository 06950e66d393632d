package dev.headroom.collectors.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.collectors.engine.DialectRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The plain-socket client a scraper of its own uses for an {@code http://} engine, against a raw server that writes
 * exactly the bytes each test gives it: framing (Content-Length, chunked, close-delimited), the kept-alive
 * connection, redirects, and the bounds on the head and on time.
 */
class PlainHttpTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T10:00:00Z"), ZoneOffset.UTC);
    private static final String GOOD = HostileEngine.GOOD;

    private RawServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private static String ok(String headers, String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n" + headers + "\r\n" + body;
    }

    private static String chunked(String body) {
        int half = body.length() / 2;
        return ok("Transfer-Encoding: chunked\r\n", Integer.toHexString(half) + ";ext=1\r\n" + body.substring(0, half)
                + "\r\n" + Integer.toHexString(body.length() - half) + "\r\n" + body.substring(half) + "\r\n0\r\n\r\n");
    }

    private ScrapeOutcome scrape(Scraper s) {
        return s.scrape();
    }

    private Scraper scraper(String path) {
        return new Scraper(ScrapeConfig.defaults(server.url(path)).withTimeouts(Duration.ofSeconds(1),
                Duration.ofMillis(500)), DialectRegistry.standard(), CLOCK);
    }

    @Test
    void oneKeptAliveConnectionServesEveryScrape() throws IOException {
        server = new RawServer(path -> path.equals("/chunked") ? chunked(GOOD)
                : ok("Content-Length: " + GOOD.length() + "\r\n", GOOD), false);
        Scraper s = scraper("/metrics");
        for (int i = 0; i < 3; i++) {
            assertThat(scrape(s)).isInstanceOf(ScrapeOutcome.Success.class);
        }
        Scraper c = scraper("/chunked");
        for (int i = 0; i < 3; i++) {
            assertThat(scrape(c)).isInstanceOf(ScrapeOutcome.Success.class);
        }
        assertThat(server.connections.get()).isEqualTo(2);
    }

    @Test
    void aConnectionTheServerClosedIsOpenedAgain() throws IOException {
        server = new RawServer(path -> ok("Content-Length: " + GOOD.length() + "\r\n", GOOD), true);
        Scraper s = scraper("/metrics");
        for (int i = 0; i < 3; i++) {
            assertThat(scrape(s)).isInstanceOf(ScrapeOutcome.Success.class);
        }
        assertThat(server.connections.get()).isEqualTo(3);
    }

    @Test
    void aBodyDelimitedByTheConnectionsEndIsRead() throws IOException {
        server = new RawServer(path -> ok("Connection: close\r\n", GOOD), true);
        assertThat(scrape(scraper("/metrics"))).isInstanceOf(ScrapeOutcome.Success.class);
    }

    @Test
    void aRedirectIsFollowedOnlyToPlainHttp() throws IOException {
        server = new RawServer(path -> switch (path) {
            case "/old" -> "HTTP/1.1 301 Moved\r\nLocation: /metrics\r\nContent-Length: 0\r\n\r\n";
            case "/tls" -> "HTTP/1.1 302 Found\r\nLocation: https://127.0.0.1:1/metrics\r\nContent-Length: 0\r\n\r\n";
            case "/loop" -> "HTTP/1.1 307 Again\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n";
            default -> ok("Content-Length: " + GOOD.length() + "\r\n", GOOD);
        }, false);
        assertThat(scrape(scraper("/old"))).isInstanceOf(ScrapeOutcome.Success.class);
        ScrapeOutcome.Failure tls = (ScrapeOutcome.Failure) scrape(scraper("/tls"));
        assertThat(tls.kind()).isEqualTo(FailureKind.UNREACHABLE);
        assertThat(tls.message()).contains("this client speaks plain HTTP only");
        ScrapeOutcome.Failure loop = (ScrapeOutcome.Failure) scrape(scraper("/loop"));
        assertThat(loop.message()).contains("more than 5 redirects");
    }

    @Test
    void anEndlessHeadIsCutOffAtItsLimit() throws IOException {
        server = new RawServer(path -> "HTTP/1.1 200 OK\r\nX-Filler: " + "a".repeat(PlainHttp.MAX_HEAD_BYTES)
                + "\r\n\r\n", false);
        ScrapeOutcome.Failure f = (ScrapeOutcome.Failure) scrape(scraper("/metrics"));
        assertThat(f.kind()).isEqualTo(FailureKind.UNREACHABLE);
        assertThat(f.message()).contains("response head larger than 65536 bytes");
    }

    @Test
    void aServerThatNeverFinishesTheHeadTimesOut() throws IOException {
        server = new RawServer(path -> "HTTP/1.1 200 OK\r\nContent-Le", false);
        ScrapeOutcome.Failure f = (ScrapeOutcome.Failure) scrape(scraper("/metrics"));
        assertThat(f.kind()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(f.message()).contains("no complete response within 500 ms");
    }

    @Test
    void theReadTimeoutRunsFromTheRequestNotFromTheConnectTimeoutsEnd() throws IOException {
        server = new RawServer(path -> "HTTP/1.1 200 OK\r\n", false);
        Scraper s = new Scraper(ScrapeConfig.defaults(server.url("/metrics")).withTimeouts(Duration.ofSeconds(5),
                Duration.ofMillis(200)), DialectRegistry.standard(), CLOCK);
        ScrapeOutcome.Failure f = (ScrapeOutcome.Failure) scrape(s);
        assertThat(f.kind()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(f.duration()).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aBodyShorterThanItsLengthIsAFailureNotASample() throws IOException {
        server = new RawServer(path -> ok("Content-Length: " + (GOOD.length() + 10) + "\r\n", GOOD), true);
        ScrapeOutcome.Failure f = (ScrapeOutcome.Failure) scrape(scraper("/metrics"));
        assertThat(f.kind()).isEqualTo(FailureKind.UNREACHABLE);
        assertThat(f.message()).contains("connection closed " + GOOD.length() + " bytes into a body of");
    }

    /** Answers each request head with the bytes {@code respond} gives for its path; optionally closes after each. */
    private static final class RawServer implements AutoCloseable {
        final AtomicInteger connections = new AtomicInteger();
        private final ServerSocket socket;
        private final Function<String, String> respond;
        private final boolean closeAfterEach;

        RawServer(Function<String, String> respond, boolean closeAfterEach) throws IOException {
            this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.respond = respond;
            this.closeAfterEach = closeAfterEach;
            Thread t = new Thread(this::accept, "raw-server");
            t.setDaemon(true);
            t.start();
        }

        URI url(String path) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + path);
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket c = socket.accept();
                    connections.incrementAndGet();
                    Thread t = new Thread(() -> serve(c), "raw-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket c) {
            try (c; InputStream in = c.getInputStream(); OutputStream out = c.getOutputStream()) {
                while (true) {
                    String head = readHead(in);
                    if (head == null) {
                        return;
                    }
                    String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
                    out.write(respond.apply(path).getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (closeAfterEach) {
                        return;
                    }
                }
            } catch (IOException ignored) {
                // the client went away
            }
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int matched = 0;
            int x;
            while ((x = in.read()) >= 0) {
                b.write(x);
                matched = (x == '\r' || x == '\n') ? matched + 1 : 0;
                if (matched == 4) {
                    return b.toString(StandardCharsets.ISO_8859_1);
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
