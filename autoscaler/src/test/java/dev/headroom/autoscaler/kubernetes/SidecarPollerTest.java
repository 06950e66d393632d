package dev.headroom.autoscaler.kubernetes;

import com.sun.net.httpserver.HttpServer;
import dev.headroom.signals.ManualClock;
import dev.headroom.signals.Signal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Many sidecars polled at once over real HTTP: each failure is that pod's missing data, named, and no one waits on it. */
class SidecarPollerTest {

    final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T10:00:00Z"));
    final CountDownLatch release = new CountDownLatch(1);
    HttpServer server;
    ExecutorService executor;
    ExecutorService serverThreads;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        answer("/ok", 200, "{\"stale\": false, \"ageSeconds\": 0.5, \"samples\": 4, \"signals\": {\"queue\": 7}}");
        answer("/error", 503, "{\"message\": \"starting\"}");
        answer("/html", 200, "<html>oops</html>");
        answer("/huge", 200, "{\"pad\": \"" + "x".repeat(SidecarPoller.MAX_BODY_BYTES) + "\"}");
        server.createContext("/slow", exchange -> {
            try {
                // Held until the test ends: far past the poll timeout.
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        serverThreads = Executors.newFixedThreadPool(8);
        server.setExecutor(serverThreads);
        server.start();
        executor = Executors.newFixedThreadPool(4);
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
        executor.shutdownNow();
    }

    void answer(String path, int status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        server.createContext(path, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Test
    void everyPodGetsAnAnswerOrANamedProblemWithinAboutOneTimeout() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Map<String, URI> pods = new LinkedHashMap<>();
        pods.put("ok", url("/ok"));
        pods.put("slow", url("/slow"));
        pods.put("error", url("/error"));
        pods.put("html", url("/html"));
        pods.put("huge", url("/huge"));
        pods.put("refused", URI.create("http://127.0.0.1:" + closedPort + "/v1/signals"));
        SidecarPoller poller = new SidecarPoller(Duration.ofMillis(300), clock, executor);

        long started = System.nanoTime();
        Map<String, SidecarPoller.Poll> polls = poller.pollAll(pods);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(polls).containsOnlyKeys(pods.keySet());
        assertThat(took).as("the slow pod costs one timeout, not one per pod").isLessThan(Duration.ofMillis(1500));
        var ok = polls.get("ok").signals().orElseThrow();
        assertThat(ok.get(Signal.QUEUE)).hasValue(7.0);
        assertThat(ok.at()).as("stamped by the controller's clock").isEqualTo(clock.instant());
        assertThat(polls.get("slow").problem()).hasValueSatisfying(p -> assertThat(p).contains("timed out"));
        assertThat(polls.get("error").problem()).hasValueSatisfying(p -> assertThat(p).contains("HTTP 503"));
        assertThat(polls.get("html").problem()).hasValueSatisfying(p -> assertThat(p).contains("/html", "not JSON"));
        assertThat(polls.get("huge").problem()).hasValueSatisfying(p -> assertThat(p).contains("more than"));
        assertThat(polls.get("refused").problem()).hasValueSatisfying(p -> assertThat(p).contains(
                Integer.toString(closedPort)));
        for (String failed : new String[] {"slow", "error", "html", "huge", "refused"}) {
            assertThat(polls.get(failed).signals()).as("%s is missing, not zero", failed).isEmpty();
        }
    }

    @Test
    void aPollHasSignalsOrAProblemNeverBoth() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SidecarPoller.Poll(java.util.Optional.empty(),
                java.util.Optional.empty())).isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SidecarPoller(Duration.ZERO, clock, executor))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    }
}
