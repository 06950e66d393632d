package dev.headroom.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load for an OpenAI-style {@code /v1/completions} endpoint: Poisson arrivals whose rate ramps
 * linearly ({@link RampArrivals}), sent with the JDK {@link HttpClient} asynchronously (no thread per
 * request). Open loop means arrivals do not wait for responses, as real users do not; a slow server
 * therefore sees its queue grow, which is what the demo is meant to show.
 *
 * <p>Bounded three ways, and stops by itself: at most {@code maxRequests} arrivals, at most
 * {@code maxInFlight} outstanding requests (an arrival beyond that is counted as dropped, not queued), and
 * {@code duration} of sending followed by at most {@code drainTimeout} of waiting for stragglers, which are
 * then cancelled. Every request also has {@code requestTimeout}.
 */
public final class LoadGenerator implements AutoCloseable {

    /**
     * What to send.
     *
     * @param completionsUri full URI of the completions endpoint
     * @param startRate      offered requests per second at the start
     * @param endRate        offered requests per second at the end of {@code duration}
     */
    public record Plan(
            URI completionsUri,
            double startRate,
            double endRate,
            Duration duration,
            int maxRequests,
            int maxInFlight,
            LengthRange prompt,
            LengthRange output,
            long seed,
            Duration requestTimeout,
            Duration drainTimeout) {

        public Plan {
            if (completionsUri == null || !"http".equals(completionsUri.getScheme())) {
                throw new IllegalArgumentException("Plan.completionsUri must be an http:// URI, was " + completionsUri);
            }
            // Validates the rates and duration the same way the arrivals will.
            new RampArrivals(startRate, endRate, seconds(duration, "duration"), seed);
            if (maxRequests < 1) {
                throw new IllegalArgumentException("Plan.maxRequests must be >= 1, was " + maxRequests);
            }
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("Plan.maxInFlight must be >= 1, was " + maxInFlight);
            }
            if (prompt == null || output == null) {
                throw new IllegalArgumentException("Plan.prompt and Plan.output lengths are required");
            }
            seconds(requestTimeout, "requestTimeout");
            if (drainTimeout == null || drainTimeout.isNegative()) {
                throw new IllegalArgumentException("Plan.drainTimeout must be >= 0, was " + drainTimeout);
            }
        }

        /** A ramp against {@code baseUri}'s {@code /v1/completions}, with the demo's lengths and bounds. */
        public static Plan ramp(URI baseUri, double startRate, double endRate, Duration duration) {
            return new Plan(baseUri.resolve("/v1/completions"), startRate, endRate, duration, 10_000, 256,
                    new LengthRange(128, 512), new LengthRange(64, 256), 42, Duration.ofSeconds(120),
                    Duration.ofSeconds(10));
        }

        public Plan withBounds(int requests, int inFlight) {
            return new Plan(completionsUri, startRate, endRate, duration, requests, inFlight, prompt, output, seed,
                    requestTimeout, drainTimeout);
        }

        public Plan withTimeouts(Duration request, Duration drain) {
            return new Plan(completionsUri, startRate, endRate, duration, maxRequests, maxInFlight, prompt, output,
                    seed, request, drain);
        }

        public Plan withLengths(LengthRange promptLengths, LengthRange outputLengths) {
            return new Plan(completionsUri, startRate, endRate, duration, maxRequests, maxInFlight, promptLengths,
                    outputLengths, seed, requestTimeout, drainTimeout);
        }

        private static double seconds(Duration d, String name) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("Plan." + name + " must be > 0, was " + d);
            }
            return d.toNanos() / 1e9;
        }
    }

    /**
     * Where the run stands.
     *
     * @param offeredRate     the ramp's rate now (requests per second); 0 once sending has stopped
     * @param sent            requests sent
     * @param completed       2xx responses
     * @param rejected        503 responses (the server's queue was full)
     * @param failed          other statuses, timeouts, connection errors and cancelled stragglers
     * @param dropped         arrivals not sent because {@code maxInFlight} requests were outstanding
     * @param maxInFlightSeen the most requests ever outstanding at once
     */
    public record Progress(
            double elapsedSeconds,
            double offeredRate,
            long sent,
            long completed,
            long rejected,
            long failed,
            long dropped,
            int inFlight,
            int maxInFlightSeen,
            boolean done) {
    }

    private final Plan plan;
    private final ExecutorService clientExecutor;
    private final HttpClient client;
    private final RampArrivals arrivals;
    private final double durationSeconds;
    private final long startNanos = System.nanoTime();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlightSeen = new AtomicInteger();
    private final Set<CompletableFuture<?>> outstanding = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Progress> completion = new CompletableFuture<>();
    private final Thread sender;
    private volatile boolean stopRequested;
    private volatile boolean sending = true;
    private volatile double endedAtSeconds = Double.NaN;

    private LoadGenerator(Plan plan) {
        this.plan = plan;
        this.durationSeconds = plan.duration().toNanos() / 1e9;
        this.arrivals = new RampArrivals(plan.startRate(), plan.endRate(), durationSeconds, plan.seed());
        this.clientExecutor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "loadgen-http");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(clientExecutor)
                .build();
        this.sender = new Thread(this::run, "loadgen-arrivals");
        sender.setDaemon(true);
    }

    /** Starts sending now. */
    public static LoadGenerator start(Plan plan) {
        LoadGenerator generator = new LoadGenerator(plan);
        generator.sender.start();
        return generator;
    }

    public Plan plan() {
        return plan;
    }

    public Progress progress() {
        double elapsed = done() ? endedAtSeconds : elapsedSeconds();
        return new Progress(elapsed, sending ? arrivals.rateAt(elapsed) : 0, sent.get(), completed.get(),
                rejected.get(), failed.get(), dropped.get(), inFlight.get(), maxInFlightSeen.get(), done());
    }

    /** Completes with the final progress once sending has stopped and stragglers are answered or cancelled. */
    public CompletableFuture<Progress> completion() {
        return completion;
    }

    public boolean done() {
        return completion.isDone();
    }

    /** Stops sending early; outstanding requests still get {@code drainTimeout}. */
    public void stop() {
        stopRequested = true;
        LockSupport.unpark(sender);
    }

    /** Stops sending, cancels what is outstanding and waits briefly for the sender to finish. */
    @Override
    public void close() {
        stop();
        outstanding.forEach(f -> f.cancel(true));
        try {
            sender.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        clientExecutor.shutdownNow();
    }

    private double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private void run() {
        SplittableRandom lengths = new SplittableRandom(plan.seed() ^ 0x9E3779B97F4A7C15L);
        try {
            while (!stopRequested) {
                if (sent.get() + dropped.get() >= plan.maxRequests()) {
                    break;
                }
                double at = arrivals.next();
                if (at == Double.POSITIVE_INFINITY) {
                    parkUntil(startNanos + plan.duration().toNanos()); // the ramp lasts its full duration
                    break;
                }
                if (!parkUntil(startNanos + (long) (at * 1e9))) {
                    break;
                }
                int promptTokens = plan.prompt().draw(lengths);
                int outputTokens = plan.output().draw(lengths);
                if (inFlight.get() >= plan.maxInFlight()) {
                    dropped.incrementAndGet();
                    continue;
                }
                send(promptTokens, outputTokens);
            }
            sending = false;
            long drainDeadline = System.nanoTime() + plan.drainTimeout().toNanos();
            while (inFlight.get() > 0 && System.nanoTime() < drainDeadline) {
                LockSupport.parkNanos(Math.min(10_000_000L, Math.max(1, drainDeadline - System.nanoTime())));
            }
            outstanding.forEach(f -> f.cancel(true));
        } finally {
            sending = false;
            endedAtSeconds = elapsedSeconds();
            completion.complete(new Progress(endedAtSeconds, 0, sent.get(), completed.get(), rejected.get(),
                    failed.get(), dropped.get(), inFlight.get(), maxInFlightSeen.get(), true));
        }
    }

    private boolean parkUntil(long targetNanos) {
        while (!stopRequested) {
            long left = targetNanos - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            LockSupport.parkNanos(left);
        }
        return false;
    }

    private void send(int promptTokens, int outputTokens) {
        String body = "{\"prompt_tokens\":" + promptTokens + ",\"max_tokens\":" + outputTokens + "}";
        HttpRequest request = HttpRequest.newBuilder(plan.completionsUri())
                .timeout(plan.requestTimeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        int now = inFlight.incrementAndGet();
        maxInFlightSeen.accumulateAndGet(now, Math::max);
        sent.incrementAndGet();
        CompletableFuture<HttpResponse<Void>> future =
                client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        outstanding.add(future);
        future.whenComplete((response, error) -> {
            outstanding.remove(future);
            if (error != null) {
                failed.incrementAndGet();
            } else if (response.statusCode() / 100 == 2) {
                completed.incrementAndGet();
            } else if (response.statusCode() == 503) {
                rejected.incrementAndGet();
            } else {
                failed.incrementAndGet();
            }
            inFlight.decrementAndGet();
        });
    }
}
