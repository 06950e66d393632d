package dev.headroom.autoscaler.kubernetes;

import dev.headroom.signals.Signals;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineServer;
import dev.headroom.simulator.ServerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sidecar-less source's connections, against a loopback server that counts them: one kept-alive connection per
 * {@code http://} engine, reused round after round, and closed when its pod leaves the workload or the workload's
 * policy goes (2,000 engines scraped directly hold 2,000 connections: a dropped pod's must not stay open).
 */
class EngineScrapesTest {

    static final WorkloadKey WORKLOAD = new WorkloadKey("ns", "engine");

    CountingServer server;
    EngineScrapes scrapes;

    @BeforeEach
    void start() throws Exception {
        // A real payload: what the simulated vLLM-like engine exposes.
        byte[] body;
        try (EngineServer engine = EngineServer.start(EngineConfig.demo(), ServerOptions.defaults())) {
            body = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body();
        }
        server = new CountingServer(body);
        scrapes = new EngineScrapes(Duration.ofSeconds(1), Duration.ofMillis(500), InstantSource.system(), 4, 1);
    }

    @AfterEach
    void stop() throws IOException {
        scrapes.close();
        server.close();
    }

    Map<String, URI> pods(int n) {
        Map<String, URI> pods = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            // Each pod its own address on loopback, as each pod has its own IP: one connection each.
            pods.put("pod-" + i, URI.create("http://127.0.0.1:" + server.port() + "/metrics?pod=" + i));
        }
        return pods;
    }

    @Test
    void eachEngineKeepsOneConnectionAcrossRounds() {
        Map<String, Signals> first = scrapes.scrapeAll(WORKLOAD, pods(3));
        assertThat(first).containsOnlyKeys("pod-0", "pod-1", "pod-2")
                .allSatisfy((pod, s) -> assertThat(s.engine().dialect()).startsWith("vllm"));
        for (int round = 0; round < 4; round++) {
            scrapes.scrapeAll(WORKLOAD, pods(3));
        }
        assertThat(server.requests.get()).isEqualTo(15);
        assertThat(server.accepted.get()).as("one kept-alive connection per engine").isEqualTo(3);
        assertThat(server.open.get()).isEqualTo(3);
        assertThat(scrapes.engines()).isEqualTo(3);
    }

    @Test
    void aPodThatLeavesClosesItsConnectionAndForgettingTheWorkloadClosesTheRest() {
        scrapes.scrapeAll(WORKLOAD, pods(3));
        assertThat(server.open.get()).isEqualTo(3);

        Map<String, URI> two = pods(3);
        two.remove("pod-1");
        assertThat(scrapes.scrapeAll(WORKLOAD, two)).containsOnlyKeys("pod-0", "pod-2");
        await().atMost(Duration.ofSeconds(5)).until(() -> server.open.get() == 2);
        assertThat(scrapes.engines()).isEqualTo(2);

        scrapes.forget(WORKLOAD);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.open.get() == 0);
        assertThat(scrapes.engines()).isZero();
        assertThat(server.accepted.get()).as("nothing reopened").isEqualTo(3);
    }

    @Test
    void aPodWhoseAddressChangesGetsANewConnectionAndTheOldOneCloses() {
        scrapes.scrapeAll(WORKLOAD, pods(1));
        Map<String, URI> moved = Map.of("pod-0", URI.create("http://127.0.0.1:" + server.port() + "/metrics?moved"));
        assertThat(scrapes.scrapeAll(WORKLOAD, moved)).containsOnlyKeys("pod-0");
        await().atMost(Duration.ofSeconds(5)).until(() -> server.open.get() == 1);
        assertThat(server.accepted.get()).isEqualTo(2);
    }

    /** HTTP/1.1 on loopback, keep-alive, one thread per connection; counts connections accepted and still open. */
    static final class CountingServer implements AutoCloseable {
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        private final ServerSocket socket;
        private final byte[] body;

        CountingServer(byte[] body) throws IOException {
            this.body = body;
            this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::accept, "counting-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    accepted.incrementAndGet();
                    open.incrementAndGet();
                    Thread t = new Thread(() -> serve(s), "counting-connection");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private void serve(Socket s) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                while (readRequestHead(in)) {
                    requests.incrementAndGet();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: "
                            + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                }
            } catch (IOException e) {
                // the client went away
            } finally {
                open.decrementAndGet();
            }
        }

        /** Reads one request's head; false at end of stream (the client closed the connection). */
        private static boolean readRequestHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                byte[] h = head.toByteArray();
                int n = h.length;
                if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
