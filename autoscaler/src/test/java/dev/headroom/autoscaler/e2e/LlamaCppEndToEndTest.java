package dev.headroom.autoscaler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.signals.monitor.EngineMonitor;
import dev.headroom.signals.monitor.EngineState;
import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;
import dev.headroom.signals.WindowConfig;
import dev.headroom.collectors.engine.DialectRegistry;
import dev.headroom.collectors.exposition.ExpositionFormat;
import dev.headroom.collectors.exposition.ExpositionParser;
import dev.headroom.collectors.scrape.Fetch;
import dev.headroom.collectors.scrape.ScrapeConfig;
import dev.headroom.collectors.scrape.Scraper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Assumptions;

/**
 * A real engine: llama.cpp's {@code llama-server} on loopback, installed with a random-weight model by
 * {@code src/e2e/setup-llama-server.sh} (which {@code .ci/run} runs). The sidecar's data path ({@link EngineMonitor}:
 * scrape, {@code /slots}, window, signals) watches it while bounded batches of concurrent completions run.
 *
 * <p>Skipped, with the reason printed, only when the server is not installed on this machine. Every request and
 * every wait is bounded in count and time; the server is killed after the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LlamaCppEndToEndTest {

    /** Two slots, each with a 512-token context; HTTP threads for the completions in flight plus the scrapes. */
    private static final int SLOTS = 2;
    private static final int HTTP_THREADS = 8;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);

    private Process server;
    private Path log;
    private URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static Path home() {
        String configured = System.getenv("HEADROOM_LLAMA_HOME");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "headroom", "llama");
    }

    @BeforeAll
    void startServer() throws Exception {
        Path home = home();
        Path binary = home.resolve("llama-server");
        Path model = home.resolve("load.gguf");
        if (!Files.isExecutable(binary) || !Files.isRegularFile(model)) {
            String why = "llama.cpp end-to-end test skipped: no " + binary + " or " + model
                    + " (run: bash src/e2e/setup-llama-server.sh)";
            System.out.println(why);
            Assumptions.abort(why);
        }
        base = URI.create("http://127.0.0.1:" + freePort());
        log = Files.createTempFile("llama-server-", ".log");
        server = launch(binary, model, base, HTTP_THREADS, log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts llama-server on {@code at} and waits until it answers {@code /health}. */
    private Process launch(Path binary, Path model, URI at, int httpThreads, Path logFile) throws Exception {
        Process p = new ProcessBuilder(binary.toString(), "-m", model.toString(), "--metrics", "--slots",
                "--host", "127.0.0.1", "--port", Integer.toString(at.getPort()), "-np", Integer.toString(SLOTS),
                "-c", Integer.toString(512 * SLOTS), "-t", "1", "--threads-http", Integer.toString(httpThreads))
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        URI shared = base;
        base = at;
        try {
            await("llama-server ready on " + at).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!p.isAlive()) {
                            throw new IllegalStateException("llama-server exited " + p.exitValue() + ":\n"
                                    + Files.readString(logFile));
                        }
                        return status("/health") == 200;
                    });
        } finally {
            base = shared;
        }
        return p;
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    void stopServer() throws Exception {
        if (server != null) {
            stop(server);
        }
        if (log != null) {
            Files.deleteIfExists(log);
        }
    }

    private int status(String path) {
        try {
            return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** {@code count} completions of {@code tokens} tokens each, sent at once; each bounded by a timeout. */
    private List<CompletableFuture<HttpResponse<String>>> load(int count, int tokens) {
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String body = "{\"prompt\":\"hello world number " + i + " the\",\"n_predict\":" + tokens
                    + ",\"ignore_eos\":true,\"cache_prompt\":false}";
            inFlight.add(http.sendAsync(HttpRequest.newBuilder(base.resolve("/completion"))
                    .timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        return inFlight;
    }

    private static void finish(List<CompletableFuture<HttpResponse<String>>> inFlight) throws Exception {
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                .get(REQUEST_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
        for (CompletableFuture<HttpResponse<String>> f : inFlight) {
            assertThat(f.get().statusCode()).as(f.get().body()).isEqualTo(200);
        }
    }

    private EngineMonitor monitor(Duration readTimeout, WindowConfig window) {
        ScrapeConfig config = ScrapeConfig.defaults(base.resolve("/metrics"))
                .withTimeouts(Duration.ofSeconds(1), readTimeout)
                .withAuxiliaryTimeout(readTimeout);
        return new EngineMonitor(config, window, SaturationTargets.defaults(), Clock.systemUTC());
    }

    private static double value(EngineState s, Signal signal) {
        return s.signals().get(signal).orElse(Double.NaN);
    }

    @Test
    @Order(1)
    void detectsLlamaCppFromTheLivePayload() {
        Scraper scraper = new Scraper(ScrapeConfig.defaults(base.resolve("/metrics")), DialectRegistry.standard(),
                Clock.systemUTC());
        Fetch fetch = scraper.fetch();
        assertThat(fetch).isInstanceOf(Fetch.Body.class);
        assertThat(DialectRegistry.standard().detect(parse((Fetch.Body) fetch)).orElseThrow().name())
                .isEqualTo("llamacpp");
    }

    private static dev.headroom.collectors.exposition.Exposition parse(Fetch.Body body) {
        try {
            return new ExpositionParser().parse(body.bytes(), 0, body.length(),
                    ExpositionFormat.fromContentType(body.contentType()),
                    DialectRegistry.standard().anyDialectFamilies());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @Order(2)
    void signalsRiseUnderLoadAndFallBackAtIdle() throws Exception {
        EngineMonitor monitor = monitor(Duration.ofSeconds(3), new WindowConfig(256, Duration.ofSeconds(2),
                Duration.ofSeconds(10)));
        EngineState idle = monitor.scrapeOnce();
        assertThat(idle.lastScrape().orElseThrow().dialect()).isEqualTo("llamacpp");
        assertThat(idle.signals().engine().dialect()).isEqualTo("llamacpp");
        assertThat(value(idle, Signal.RUNNING)).isEqualTo(0.0);
        assertThat(value(idle, Signal.QUEUE)).isEqualTo(0.0);
        assertThat(value(idle, Signal.KV_UTILIZATION)).isEqualTo(0.0);
        assertThat(value(idle, Signal.KV_CAPACITY_TOKENS)).isEqualTo(512.0 * SLOTS);

        // 5 requests on 2 slots: 2 run, 3 wait; 5 HTTP threads busy, 3 left for the scrapes
        List<CompletableFuture<HttpResponse<String>>> inFlight = load(5, 384);
        double[] peak = new double[4];
        AtomicReference<EngineState> last = new AtomicReference<>();
        await("running, queue, KV and tokens/s under load").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    EngineState s = monitor.scrapeOnce();
                    last.set(s);
                    peak[0] = Math.max(peak[0], value(s, Signal.RUNNING));
                    peak[1] = Math.max(peak[1], value(s, Signal.QUEUE));
                    peak[2] = Math.max(peak[2], value(s, Signal.KV_UTILIZATION));
                    peak[3] = Math.max(peak[3], value(s, Signal.GENERATION_TPS));
                    return peak[0] >= SLOTS && peak[1] >= 1 && peak[2] > 0 && peak[3] > 0;
                });
        assertThat(peak[0]).isEqualTo(SLOTS); // never more than the slots
        assertThat(peak[2]).isLessThanOrEqualTo(1.0);
        assertThat(last.get().engineUp()).isTrue();
        finish(inFlight);

        await("signals back at idle").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    EngineState s = monitor.scrapeOnce();
                    return value(s, Signal.RUNNING) == 0 && value(s, Signal.QUEUE) == 0
                            && value(s, Signal.KV_UTILIZATION) == 0 && value(s, Signal.GENERATION_TPS) == 0;
                });
        EngineState after = monitor.snapshot();
        assertThat(after.signals().stale()).isFalse();
        assertThat(after.scrapesFailed()).isZero();
    }

    /**
     * A sidecar whose scrape of a loaded server misses its deadline: the state says stale and unknown, never zero.
     * (Each try is a new monitor, hence a new connection: the JDK client keeps connections alive, and a
     * kept-alive connection holds a server thread of its own.)
     */
    @Test
    @Order(3)
    void aMetricsEndpointBlockedUnderLoadTimesOutAndTheSignalsGoStaleNotZero() throws Exception {
        // "Blocked" is relative to the scrape's deadline. Older llama-server builds held /metrics for seconds
        // behind completions with few HTTP threads; the build installed here answers it within a millisecond on a
        // quiet CPU even with one thread, and in seconds on a starved one. So the test keeps the server under
        // load and narrows the read timeout, try by try, until a scrape misses its deadline — then checks that
        // the miss reads as stale and unknown, never as an idle engine. Bounded in tries, requests and time.
        int batch = HTTP_THREADS + 4;
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>(load(batch, 384));
        long[] deadlinesMillis = {400, 200, 100, 50, 20, 10, 5, 2, 1};
        AtomicReference<EngineState> timedOut = new AtomicReference<>();
        AtomicReference<Long> missedDeadline = new AtomicReference<>();
        int[] tries = new int[1];
        await("a scrape that misses its deadline").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    long deadline = deadlinesMillis[Math.min(tries[0] / 3, deadlinesMillis.length - 1)];
                    tries[0]++;
                    // Keep the server busy: on a fast machine a batch finishes within a second. At most five.
                    if (inFlight.stream().allMatch(CompletableFuture::isDone) && inFlight.size() < 5 * batch) {
                        inFlight.addAll(load(batch, 384));
                    }
                    EngineMonitor fresh = monitor(Duration.ofMillis(deadline), new WindowConfig(64,
                            Duration.ofSeconds(10), Duration.ofSeconds(3)));
                    EngineState s = fresh.scrapeOnce();
                    if ("timeout".equals(s.lastScrape().orElseThrow().outcome())) {
                        timedOut.set(s);
                        missedDeadline.set(deadline);
                        return true;
                    }
                    return false;
                });
        EngineState s = timedOut.get();
        System.out.println("llama.cpp /metrics under load missed a " + missedDeadline.get() + " ms deadline on try "
                + tries[0]);
        assertThat(s.engineUp()).isFalse();
        assertThat(s.scrapesFailed()).isEqualTo(1);
        assertThat(s.lastScrape().orElseThrow().message()).contains("within " + missedDeadline.get() + " ms");
        assertThat(s.signals().stale()).isTrue();
        assertThat(s.signals().values()).isEmpty(); // unknown: not a running count of 0
        assertThat(s.signals().get(Signal.RUNNING)).isEmpty();
        assertThat(s.signals().get(Signal.KV_UTILIZATION)).isEmpty();
        assertThat(s.saturation().composite()).isEmpty();
        finish(inFlight);
        EngineMonitor after = monitor(Duration.ofSeconds(3), WindowConfig.defaults());
        await("scrapes answer again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> after.scrapeOnce().lastScrape().orElseThrow().ok());
        assertThat(value(after.snapshot(), Signal.RUNNING)).isEqualTo(0.0);
    }
}
