package dev.headroom.agent.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.agent.demo.ReplicaSidecar;
import dev.headroom.agent.sidecar.SignalsView;
import dev.headroom.simulator.EngineServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;

/**
 * One pod's sidecar as the controller meets it: the agent's monitor scraping a simulated engine over HTTP
 * ({@link ReplicaSidecar}), and {@code GET /v1/signals} answering the agent's {@link SignalsView} of its state on a
 * real loopback port. The agent's own {@code /v1/signals} serves the same record; {@code SidecarSignalsContractTest}
 * checks that the controller reads that one identically.
 */
final class HttpSidecar implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ReplicaSidecar sidecar;
    private final HttpServer server;

    HttpSidecar(EngineServer engine, Duration scrapeInterval) throws IOException {
        sidecar = ReplicaSidecar.start(ReplicaSidecar.defaultSettings(engine.baseUri().resolve("/metrics"),
                scrapeInterval), InstantSource.system(), Integer.toString(engine.port()));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/v1/signals", exchange -> {
            byte[] body = JSON.writeValueAsBytes(SignalsView.of(sidecar.snapshot()));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    ReplicaSidecar sidecar() {
        return sidecar;
    }

    @Override
    public void close() {
        server.stop(0);
        sidecar.close();
    }
}
