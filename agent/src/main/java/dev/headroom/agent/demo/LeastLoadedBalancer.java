package dev.headroom.agent.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A least-request balancer in front of several engines' {@code POST /v1/completions}, on a real loopback port: each
 * request goes to the ready replica with the fewest requests outstanding through this balancer (which, when all
 * traffic passes here, is that engine's running + waiting), as Envoy's and NGINX's least-request policies do.
 * Forwarding is asynchronous: no thread waits on an engine. With no replica ready it answers 503.
 */
public final class LeastLoadedBalancer implements AutoCloseable {

    /** A replica the balancer may send to. */
    public record Backend(String name, URI baseUri) {
        public Backend {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(baseUri, "baseUri");
        }
    }

    private static final int MAX_BODY_BYTES = 1 << 20;

    private final Supplier<List<Backend>> ready;
    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client;
    private final Map<String, AtomicInteger> outstanding = new ConcurrentHashMap<>();

    private LeastLoadedBalancer(Supplier<List<Backend>> ready, Duration requestTimeout) throws IOException {
        this.ready = ready;
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "demo-balancer-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                .connectTimeout(Duration.ofSeconds(2)).build();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(executor);
        server.createContext("/v1/completions", exchange -> forward(exchange, requestTimeout));
    }

    /** Starts balancing over whatever {@code ready} returns at each request. */
    public static LeastLoadedBalancer start(Supplier<List<Backend>> ready, Duration requestTimeout) throws IOException {
        LeastLoadedBalancer b = new LeastLoadedBalancer(ready, requestTimeout);
        b.server.start();
        return b;
    }

    /** {@code http://127.0.0.1:<port>}: where clients send their completions. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Requests sent to {@code replica} and not answered yet. */
    public int outstanding(String replica) {
        AtomicInteger n = outstanding.get(replica);
        return n == null ? 0 : n.get();
    }

    private void forward(HttpExchange exchange, Duration timeout) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            answer(exchange, 405, "{\"error\": \"POST only\"}");
            return;
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY_BYTES);
        }
        Backend target = ready.get().stream()
                .min(Comparator.comparingInt((Backend b) -> outstanding(b.name())).thenComparing(Backend::name))
                .orElse(null);
        if (target == null) {
            answer(exchange, 503, "{\"error\": \"no replica is ready\"}");
            return;
        }
        AtomicInteger count = outstanding.computeIfAbsent(target.name(), k -> new AtomicInteger());
        count.incrementAndGet();
        HttpRequest request = HttpRequest.newBuilder(target.baseUri().resolve("/v1/completions")).timeout(timeout)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, error) -> {
            count.decrementAndGet();
            try {
                if (error != null) {
                    answer(exchange, 502, "{\"error\": \"replica " + target.name() + " did not answer\"}");
                } else {
                    answer(exchange, response.statusCode(), response.body());
                }
            } catch (IOException ignored) {
                // The client went away; nothing left to tell it.
            }
        });
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        answer(exchange, status, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
