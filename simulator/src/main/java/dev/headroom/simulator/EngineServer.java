package dev.headroom.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link EngineModel} on a real clock, behind a vLLM-compatible HTTP API on 127.0.0.1.
 *
 * <p>One engine thread runs steps back to back while there is work: it schedules a step, waits until the
 * wall clock reaches the step's modelled end (divided by {@code timeScale}), then applies it. Engine time is
 * wall time since start × {@code timeScale}. Requests are stamped on arrival and enter the model only once
 * engine time has reached their stamp, so no request is scheduled before it arrived.
 *
 * <ul>
 *   <li>{@code GET /metrics} — vLLM V1 Prometheus text ({@link VllmMetricsRenderer}), or SGLang's or TGI's
 *       ({@link ServerOptions#format()}).</li>
 *   <li>{@code POST /v1/completions} — OpenAI-style body: {@code prompt} (string, or array of token ids),
 *       or {@code prompt_tokens} (a count); {@code max_tokens} (default 16). Answers when the request
 *       finishes; 503 when {@code maxWaiting} requests already wait; 400 naming the bad field.</li>
 *   <li>{@code GET /gpu} — what {@code nvidia-smi} would show: utilisation and memory, as JSON.</li>
 *   <li>{@code GET /health} — 200 while serving.</li>
 * </ul>
 *
 * HTTP work runs on a bounded pool; a completion holds no thread while it waits for the engine.
 */
public final class EngineServer implements AutoCloseable {

    /** Largest completion body accepted, in bytes. */
    public static final int MAX_BODY_BYTES = 1 << 20;
    /** OpenAI's default {@code max_tokens} for completions. */
    public static final int DEFAULT_MAX_TOKENS = 16;

    private final EngineConfig config;
    private final ServerOptions options;
    private final EngineModel model;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workArrived = lock.newCondition();
    private final ArrayDeque<SimRequest> pending = new ArrayDeque<>();
    private final Map<Long, CompletableFuture<RequestResult>> inFlight = new HashMap<>();
    private final long startNanos = System.nanoTime();
    private final HttpServer http;
    private final ThreadPoolExecutor executor;
    private final Thread engineThread;
    private volatile boolean closed;
    private double engineFreeAt;
    private long nextId;

    private EngineServer(EngineConfig config, ServerOptions options) throws IOException {
        this.config = config;
        this.options = options;
        this.model = new EngineModel(config);
        this.model.onFinish(this::completed);
        AtomicInteger threadCount = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(options.httpThreads(), options.httpThreads(), 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(4096), r -> {
                    Thread t = new Thread(r, "engine-http-" + threadCount.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 256);
        http.setExecutor(executor);
        http.createContext("/", this::handle);
        this.engineThread = new Thread(this::runEngine, "engine-steps-" + http.getAddress().getPort());
        engineThread.setDaemon(true);
    }

    /** Starts the engine thread and the HTTP server. */
    public static EngineServer start(EngineConfig config, ServerOptions options) throws IOException {
        EngineServer server = new EngineServer(config, options);
        server.engineThread.start();
        server.http.start();
        return server;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public EngineConfig config() {
        return config;
    }

    public ServerOptions options() {
        return options;
    }

    /** Engine seconds since start (wall seconds × timeScale). */
    public double engineSeconds() {
        return (System.nanoTime() - startNanos) / 1e9 * options.timeScale();
    }

    /** GPU utilisation as {@code nvidia-smi} would report it now, in [0, 1]. */
    public double gpuUtilization() {
        lock.lock();
        try {
            return model.gpuUtilization(engineSeconds());
        } finally {
            lock.unlock();
        }
    }

    public EngineSnapshot snapshot() {
        lock.lock();
        try {
            double now = engineSeconds();
            EngineMetrics m = model.metrics();
            long total = config.gpuMemoryBytes();
            return new EngineSnapshot(now, model.runningCount(), model.waitingCount() + pending.size(),
                    model.kvCacheUsage(), model.gpuUtilization(now), (long) (total * config.gpuMemoryUtilization()),
                    total, m.promptTokens(), m.generationTokens(), m.preemptions(), m.finishedLength());
        } finally {
            lock.unlock();
        }
    }

    /** The {@code /metrics} body as it would be served now. */
    public String renderMetrics() {
        lock.lock();
        try {
            // Arrived but not yet admitted into the model (its clock is mid-step): still waiting, as vLLM counts it.
            return options.format().render(model, options.engineIndex(), pending.size());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Enqueues a request directly (what {@code POST /v1/completions} does).
     *
     * @throws QueueFullException       when {@code maxWaiting} requests already wait
     * @throws IllegalArgumentException when lengths are out of range for this engine
     * @throws IllegalStateException    after {@link #close()}
     */
    public CompletableFuture<RequestResult> submit(int promptTokens, int outputTokens) {
        if (promptTokens < 1 || outputTokens < 1 || (long) promptTokens + outputTokens > config.maxModelLen()) {
            throw new IllegalArgumentException("prompt tokens (" + promptTokens + ") and max_tokens (" + outputTokens
                    + ") must each be >= 1 and together at most max_model_len " + config.maxModelLen());
        }
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("engine is shut down");
            }
            int waiting = model.waitingCount() + pending.size();
            if (waiting >= options.maxWaiting()) {
                throw new QueueFullException(waiting, options.maxWaiting());
            }
            long id = nextId++;
            CompletableFuture<RequestResult> future = new CompletableFuture<>();
            inFlight.put(id, future);
            pending.addLast(new SimRequest(id, engineSeconds(), promptTokens, outputTokens));
            workArrived.signalAll();
            return future;
        } finally {
            lock.unlock();
        }
    }

    /** Stops serving and the engine thread; unfinished requests are aborted. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        http.stop(0);
        engineThread.interrupt();
        try {
            engineThread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            model.metrics().finishedAbort += pending.size();
            pending.clear();
            model.abortAll();
            IllegalStateException shutdown = new IllegalStateException("engine shut down before the request finished");
            inFlight.values().forEach(f -> f.completeExceptionally(shutdown));
            inFlight.clear();
        } finally {
            lock.unlock();
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    // ---- engine thread ----

    private void runEngine() {
        while (!closed) {
            double end;
            lock.lock();
            try {
                if (!model.hasWork()) {
                    engineFreeAt = Math.max(engineFreeAt, engineSeconds());
                }
                admitArrivedBy(engineFreeAt);
                if (!model.hasWork()) {
                    if (pending.isEmpty()) {
                        workArrived.await(50, TimeUnit.MILLISECONDS);
                    }
                    continue;
                }
                double start = engineFreeAt;
                end = start + model.schedule(start);
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            if (!waitForEngineTime(end)) {
                return;
            }
            lock.lock();
            try {
                model.finishStep();
                engineFreeAt = end;
            } finally {
                lock.unlock();
            }
        }
    }

    private void admitArrivedBy(double now) {
        while (!pending.isEmpty() && pending.peekFirst().arrivalSeconds() <= now) {
            model.submit(pending.pollFirst());
        }
    }

    /** Parks until engine time reaches {@code end}; false if closed meanwhile. */
    private boolean waitForEngineTime(double end) {
        long target = startNanos + (long) (end / options.timeScale() * 1e9);
        while (!closed) {
            long left = target - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            LockSupport.parkNanos(left);
        }
        return false;
    }

    private void completed(RequestResult result) {
        CompletableFuture<RequestResult> f = inFlight.remove(result.id());
        if (f != null) {
            f.complete(result);
        }
    }

    // ---- HTTP ----

    private void handle(HttpExchange exchange) {
        try {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            switch (path) {
                case "/metrics" -> {
                    if (requireMethod(exchange, method, "GET")) {
                        send(exchange, 200, options.format().contentType(), renderMetrics());
                    }
                }
                case "/health" -> {
                    if (requireMethod(exchange, method, "GET")) {
                        sendJson(exchange, 200, "{\"status\":\"UP\"}");
                    }
                }
                case "/gpu" -> {
                    if (requireMethod(exchange, method, "GET")) {
                        sendJson(exchange, 200, gpuJson(snapshot()));
                    }
                }
                case "/v1/completions" -> {
                    if (requireMethod(exchange, method, "POST")) {
                        completions(exchange);
                    }
                }
                default -> sendError(exchange, 404, "not_found", "no route for " + path);
            }
        } catch (IOException | RuntimeException e) {
            exchange.close();
        }
    }

    private void completions(HttpExchange exchange) throws IOException {
        String body;
        try {
            body = readBody(exchange.getRequestBody());
        } catch (BodyTooLargeException e) {
            sendError(exchange, 413, "invalid_request_error", e.getMessage());
            return;
        }
        int promptTokens;
        int maxTokens;
        try {
            Map<String, Object> json = JsonBody.parseObject(body);
            promptTokens = promptTokens(json);
            maxTokens = json.containsKey("max_tokens") ? positiveInt(json, "max_tokens") : DEFAULT_MAX_TOKENS;
        } catch (IllegalArgumentException e) {
            sendError(exchange, 400, "invalid_request_error", e.getMessage());
            return;
        }
        CompletableFuture<RequestResult> future;
        try {
            future = submit(promptTokens, maxTokens);
        } catch (QueueFullException e) {
            sendError(exchange, 503, "server_overloaded", e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            sendError(exchange, 400, "invalid_request_error", e.getMessage());
            return;
        } catch (IllegalStateException e) {
            sendError(exchange, 503, "server_shutting_down", e.getMessage());
            return;
        }
        future.whenCompleteAsync((result, failure) -> {
            try {
                if (failure != null) {
                    sendError(exchange, 503, "server_shutting_down", failure.getMessage());
                } else {
                    sendJson(exchange, 200, completionJson(result));
                }
            } catch (IOException | RuntimeException e) {
                exchange.close();
            }
        }, executor);
    }

    private static int promptTokens(Map<String, Object> json) {
        if (json.containsKey("prompt_tokens")) {
            return positiveInt(json, "prompt_tokens");
        }
        Object prompt = json.get("prompt");
        if (prompt instanceof String s) {
            // No tokenizer here: ~4 characters per token, the usual rule of thumb for English text.
            return Math.max(1, (s.length() + 3) / 4);
        }
        if (prompt instanceof List<?> ids && !ids.isEmpty() && ids.get(0) instanceof Double) {
            return ids.size();
        }
        throw new IllegalArgumentException(
                "field 'prompt' must be a non-empty string or array of token ids, or give 'prompt_tokens' as a count");
    }

    private static int positiveInt(Map<String, Object> json, String field) {
        Object v = json.get(field);
        if (v instanceof Double d && d >= 1 && d <= Integer.MAX_VALUE && d == Math.rint(d)) {
            return d.intValue();
        }
        throw new IllegalArgumentException("field '" + field + "' must be a positive integer, was " + v);
    }

    private String completionJson(RequestResult r) {
        StringBuilder sb = new StringBuilder(320);
        sb.append("{\"id\":\"cmpl-").append(r.id()).append("\",\"object\":\"text_completion\",\"model\":\"")
                .append(jsonEscape(config.modelName())).append("\",\"choices\":[{\"index\":0,\"text\":\"\",")
                .append("\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":").append(r.promptTokens())
                .append(",\"completion_tokens\":").append(r.outputTokens()).append(",\"total_tokens\":")
                .append(r.promptTokens() + r.outputTokens()).append("},\"metrics\":{\"queue_seconds\":");
        number(sb, r.queueSeconds());
        sb.append(",\"ttft_seconds\":");
        number(sb, r.ttftSeconds());
        sb.append(",\"e2e_seconds\":");
        number(sb, r.e2eSeconds());
        sb.append(",\"preemptions\":").append(r.preemptions()).append("}}");
        return sb.toString();
    }

    private static String gpuJson(EngineSnapshot s) {
        StringBuilder sb = new StringBuilder(200);
        sb.append("{\"utilization\":");
        number(sb, s.gpuUtilization());
        sb.append(",\"window_seconds\":");
        number(sb, EngineModel.GPU_UTILIZATION_WINDOW_SECONDS);
        sb.append(",\"memory_used_bytes\":").append(s.gpuMemoryUsedBytes())
                .append(",\"memory_total_bytes\":").append(s.gpuMemoryTotalBytes())
                .append(",\"kv_cache_usage\":");
        number(sb, s.kvCacheUsage());
        sb.append(",\"engine_seconds\":");
        number(sb, s.engineSeconds());
        sb.append('}');
        return sb.toString();
    }

    private static void number(StringBuilder sb, double v) {
        if (Double.isFinite(v)) {
            sb.append(String.format(Locale.ROOT, "%.6f", v));
        } else {
            sb.append("null");
        }
    }

    private static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean requireMethod(HttpExchange exchange, String method, String allowed) throws IOException {
        if (allowed.equals(method)) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", allowed);
        sendError(exchange, 405, "method_not_allowed", method + " not allowed; use " + allowed);
        return false;
    }

    private static String readBody(InputStream in) throws IOException {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (out.size() + n > MAX_BODY_BYTES) {
                    throw new BodyTooLargeException();
                }
                out.write(buf, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private static void sendError(HttpExchange exchange, int status, String type, String message) throws IOException {
        sendJson(exchange, status, "{\"error\":{\"type\":\"" + type + "\",\"message\":\"" + jsonEscape(message)
                + "\"}}");
    }

    private static void sendJson(HttpExchange exchange, int status, String json) throws IOException {
        send(exchange, status, "application/json", json);
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Thrown by {@link #submit(int, int)} when the waiting queue is at its cap; served as 503. */
    public static final class QueueFullException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        QueueFullException(int waiting, int cap) {
            super("waiting queue is full: " + waiting + " requests waiting, cap " + cap);
        }
    }

    private static final class BodyTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLargeException() {
            super("request body exceeds " + MAX_BODY_BYTES + " bytes");
        }
    }
}
