package dev.headroom.autoscaler.kubernetes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.signals.Signal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real HTTP sidecar on loopback serving {@code GET /v1/signals} in the agent's {@code SignalsView} shape
 * (every key present, unknown as {@code null}); the agent's contract test checks that the controller reads
 * the real {@code SignalsView} the same way. The served values are set by the test.
 */
final class SidecarStandIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final AtomicReference<Map<Signal, Double>> values = new AtomicReference<>(Map.of());
    private volatile boolean stale;

    SidecarStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/v1/signals", exchange -> {
            byte[] body = body();
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

    void serve(Map<Signal, Double> v) {
        stale = false;
        values.set(Map.copyOf(v));
    }

    /** The engine stopped answering its sidecar: stale, no values. */
    void goStale() {
        stale = true;
    }

    private byte[] body() throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("engine", Map.of("url", "http://127.0.0.1:8000/metrics", "up", !stale, "dialect", "vllm-v1",
                "model", "llama", "version", "0.9.0"));
        root.put("lastScrape", null);
        root.put("stale", stale);
        root.put("ageSeconds", stale ? 12.0 : 0.4);
        root.put("samples", 10);
        Map<String, Object> signals = new LinkedHashMap<>();
        for (Signal s : Signal.values()) {
            signals.put(s.key(), stale ? null : values.get().get(s));
        }
        root.put("signals", signals);
        root.put("units", Map.of());
        root.put("saturation", Map.of("signals", Map.of()));
        root.put("targets", Map.of());
        root.put("gpus", null);
        return JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
