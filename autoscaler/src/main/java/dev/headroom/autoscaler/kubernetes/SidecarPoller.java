package dev.headroom.autoscaler.kubernetes;

import dev.headroom.signals.Signals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Polls many sidecars' {@code /v1/signals} at once: every request is sent together and each has its own
 * timeout, so one slow pod costs at most the timeout and never delays the others' answers beyond it. A pod
 * that times out, refuses, answers an error status, too large a body or bad JSON is <em>missing</em>: the
 * result says why, and its signals are empty (never zero).
 *
 * <p>The requests go through a few HTTP clients, each pod's always through the same one (chosen by its address),
 * so that it keeps its keep-alive connection: one client's single selector thread serves every connection it holds,
 * and at a fleet's thousands of pods a second a few of them share that work. The process then holds one
 * connection per polled pod and one selector thread per client.
 */
public final class SidecarPoller implements AutoCloseable {

    /** The largest body accepted: a /v1/signals answer is a few kilobytes. */
    public static final int MAX_BODY_BYTES = 256 * 1024;

    /** HTTP clients the controller polls through. */
    public static final int DEFAULT_CLIENTS = 16;

    private final HttpClient[] clients;
    private final ExecutorService executor;
    private final Duration timeout;
    private final InstantSource clock;

    /** What one pod's sidecar answered: signals, or why there are none. */
    public record Poll(Optional<Signals> signals, Optional<String> problem) {
        public Poll {
            Objects.requireNonNull(signals, "signals");
            Objects.requireNonNull(problem, "problem");
            if (signals.isPresent() == problem.isPresent()) {
                throw new IllegalArgumentException("a poll has signals or a problem, exactly one");
            }
        }

        static Poll ok(Signals s) {
            return new Poll(Optional.of(s), Optional.empty());
        }

        static Poll failed(String why) {
            return new Poll(Optional.empty(), Optional.of(why));
        }
    }

    /**
     * @param timeout  per request, connect included
     * @param clock    stamps each answer
     * @param executor runs the HTTP client's work; owned by the caller
     */
    public SidecarPoller(Duration timeout, InstantSource clock, ExecutorService executor) {
        this(timeout, clock, executor, 1);
    }

    /**
     * @param timeout  per request, connect included
     * @param clock    stamps each answer
     * @param executor runs the HTTP clients' work; owned by the caller
     * @param clients  how many HTTP clients share the pods
     */
    public SidecarPoller(Duration timeout, InstantSource clock, ExecutorService executor, int clients) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.executor = Objects.requireNonNull(executor, "executor");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("poll timeout must be positive, got " + timeout);
        }
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be ≥ 1, got " + clients);
        }
        this.clients = new HttpClient[clients];
        for (int i = 0; i < clients; i++) {
            this.clients[i] = HttpClient.newBuilder().connectTimeout(timeout).executor(executor)
                    .version(HttpClient.Version.HTTP_1_1).build();
        }
    }

    /** Polls every URL at once and waits at most about one timeout; the answer has an entry per URL. */
    public Map<String, Poll> pollAll(Map<String, URI> urlsByPod) {
        Map<String, CompletableFuture<Poll>> pending = new LinkedHashMap<>();
        urlsByPod.forEach((pod, url) -> pending.put(pod, poll(url)));
        Map<String, Poll> out = new LinkedHashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.MILLISECONDS.toNanos(200);
        List<String> pods = new ArrayList<>(pending.keySet());
        for (String pod : pods) {
            CompletableFuture<Poll> f = pending.get(pod);
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                out.put(pod, f.get(left, TimeUnit.NANOSECONDS));
            } catch (java.util.concurrent.TimeoutException e) {
                f.cancel(true);
                out.put(pod, Poll.failed("timed out after " + timeout.toMillis() + " ms"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.put(pod, Poll.failed("interrupted"));
            } catch (java.util.concurrent.ExecutionException e) {
                out.put(pod, Poll.failed(String.valueOf(e.getCause())));
            }
        }
        return out;
    }

    /** Polls one sidecar; the future never fails, a failure is a {@link Poll} with a problem. */
    public CompletableFuture<Poll> poll(URI url) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).header("Accept", "application/json")
                .GET().build();
        HttpClient http = clients[Math.floorMod(url.getAuthority().hashCode(), clients.length)];
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(this::read)
                .exceptionally(e -> Poll.failed(describe(url, e)));
    }

    private Poll read(HttpResponse<java.io.InputStream> response) {
        try (java.io.InputStream in = response.body()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (response.statusCode() != 200) {
                return Poll.failed(response.uri() + " answered HTTP " + response.statusCode());
            }
            if (body.length > MAX_BODY_BYTES) {
                return Poll.failed(response.uri() + " answered more than " + MAX_BODY_BYTES + " bytes");
            }
            return Poll.ok(SidecarSignals.parse(body, clock.instant()));
        } catch (SidecarReadException e) {
            return Poll.failed(response.uri() + ": " + e.getMessage());
        } catch (java.io.IOException e) {
            return Poll.failed(response.uri() + ": " + e);
        }
    }

    private static String describe(URI url, Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                ? e.getCause() : e;
        if (cause instanceof java.net.http.HttpTimeoutException) {
            return url + " timed out";
        }
        return url + ": " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : " " + cause.getMessage());
    }

    @Override
    public void close() {
        // The HttpClient's threads are the caller's executor; nothing else is held.
    }
}
