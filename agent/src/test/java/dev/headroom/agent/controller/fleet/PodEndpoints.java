package dev.headroom.agent.controller.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.agent.sidecar.SignalsView;
import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.WindowConfig;
import dev.headroom.collectors.scrape.ScrapeConfig;
import dev.headroom.signals.monitor.EngineMonitor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fleet's pods' HTTP endpoints on loopback: a few real HTTP servers, each answering for many pods (every pod of
 * the fleet sits at 127.0.0.1 and names its server's port in its annotation). Each serves both what a controller
 * may poll: an engine's own {@code /metrics} (a real vLLM V1 payload, {@value #VLLM_FIXTURE}) and a sidecar's
 * {@code /v1/signals} (the agent's {@link SignalsView}, as a real sidecar computes it from that same payload).
 *
 * <p>Why several servers: the controller keeps one keep-alive connection per pod it polls; spreading the pods over
 * ports makes its connection count, and the work of its HTTP clients' selectors, what a fleet would cause.
 */
final class PodEndpoints implements AutoCloseable {

    static final String VLLM_FIXTURE = "vllm-v1-0.10-ascend-qwen2.5-0.5b-pymotor-d87b6eb.prom";

    private final List<HttpServer> servers = new ArrayList<>();
    private final ExecutorService handlers;
    private final byte[] metrics;
    private volatile byte[] signals = new byte[0];
    private final AtomicLong answered = new AtomicLong();

    private PodEndpoints(int ports) throws IOException {
        metrics = fixture(VLLM_FIXTURE);
        // A few handler threads for all servers: answering fixed bytes is cheap, and this JVM may be the controller's.
        handlers = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "fleet-pod-endpoint");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int i = 0; i < ports; i++) {
                HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
                server.createContext("/metrics", exchange -> answer(exchange, "text/plain; version=0.0.4", metrics));
                server.createContext("/v1/signals", exchange -> answer(exchange, "application/json", signals));
                server.setExecutor(handlers);
                server.start();
                servers.add(server);
            }
            signals = sidecarAnswer(URI.create("http://127.0.0.1:" + port(0) + "/metrics"));
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Starts {@code ports} servers. */
    static PodEndpoints start(int ports) throws IOException {
        return new PodEndpoints(ports);
    }

    int ports() {
        return servers.size();
    }

    int port(int index) {
        return servers.get(index).getAddress().getPort();
    }

    /** Requests answered so far, all servers together. */
    long answered() {
        return answered.get();
    }

    private void answer(HttpExchange exchange, String contentType, byte[] body) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            answered.incrementAndGet();
        }
    }

    /**
     * What a sidecar watching this engine answers: the agent's own view of a real monitor's state after two scrapes
     * of the payload, with {@code ageSeconds} 0 (data as fresh as the answer), so that the age the controller then
     * measures is the part it adds itself. A real sidecar adds up to one scrape interval to that.
     */
    private static byte[] sidecarAnswer(URI engine) throws IOException {
        EngineMonitor monitor = new EngineMonitor(ScrapeConfig.defaults(engine), WindowConfig.defaults(),
                SaturationTargets.defaults(), InstantSource.system());
        monitor.scrapeOnce();
        monitor.scrapeOnce();
        SignalsView v = SignalsView.of(monitor.snapshot());
        if (v.stale() || !v.engine().up()) {
            throw new IllegalStateException("the monitor could not read the fixture: " + v.lastScrape());
        }
        SignalsView fresh = new SignalsView(v.engine(), v.lastScrape(), false, 0.0, v.samples(), v.signals(),
                v.units(), v.saturation(), v.targets(), v.gpus(), v.rejected());
        return new ObjectMapper().writeValueAsBytes(fresh);
    }

    private static byte[] fixture(String name) {
        try (InputStream in = PodEndpoints.class.getResourceAsStream("/fixtures/engines/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /fixtures/engines/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        servers.forEach(s -> s.stop(0));
        handlers.shutdownNow();
    }
}
