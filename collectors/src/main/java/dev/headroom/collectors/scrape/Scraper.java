package dev.headroom.collectors.scrape;

import dev.headroom.collectors.engine.AuxiliaryReading;
import dev.headroom.collectors.engine.DialectRegistry;
import dev.headroom.collectors.engine.EngineDialect;
import dev.headroom.collectors.engine.EngineSample;
import dev.headroom.collectors.engine.ReadOutcome;
import dev.headroom.collectors.engine.SampleReader;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Scrapes one engine's metrics endpoint into an {@link dev.headroom.collectors.engine.EngineSample}.
 *
 * <p>Bounded in every direction: connect timeout, a deadline on the whole request (headers and body), a maximum
 * body size enforced while bytes arrive, on the inflated bytes when the body is gzip (inflated chunk by chunk as it
 * arrives, never held compressed), then the parser's limits on lines, series, families and labels, which a scrape
 * counts as {@link FailureKind#TOO_LARGE} too. {@link #scrape()} never throws; every way it
 * can fail is a {@link FailureKind} with a one-line message. The body is read by a {@link SampleReader}, the same
 * one {@code inspect} and the evaluation use. Safe to call from several threads (the reader serialises the parse
 * step, it reuses the parser's buffers).
 */
public final class Scraper implements AutoCloseable {

    /** Prefer OpenMetrics, then Prometheus text 0.0.4, then whatever the server has. */
    public static final String ACCEPT = "application/openmetrics-text;version=1.0.0;q=0.9,"
            + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    /** What to check when an engine answers 404 or 501 on its metrics path. */
    public static final String METRICS_DISABLED_HINT = "vLLM: metrics are on by default, check the path (/metrics); "
            + "llama.cpp: start llama-server with --metrics; SGLang: start with --enable-metrics";

    private final ScrapeConfig config;
    private final DialectRegistry registry;
    private final InstantSource clock;
    private final HttpClient client;
    private final PlainHttp plain;
    private final SampleReader reader;

    /**
     * A scraper with a client of its own: for an {@code http://} engine a {@code PlainHttp} connection (no JDK
     * {@code HttpClient}, its selector thread and classes), for {@code https://} the JDK's client.
     *
     * @throws IllegalArgumentException when the configured dialect is not in the registry
     */
    public Scraper(ScrapeConfig config, DialectRegistry registry, InstantSource clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.reader = new SampleReader(registry, config.dialect(), config.limits());
        boolean http = "http".equalsIgnoreCase(config.url().getScheme());
        this.plain = http ? new PlainHttp(config.connectTimeout()) : null;
        this.client = http ? null : client(config);
    }

    /**
     * A scraper that sends through {@code client}, which many scrapers may share (one process watching many engines
     * holds a few clients, not a selector thread per engine). The client's connect timeout applies, not the
     * config's; build it with {@link #client(Duration)}.
     *
     * @throws IllegalArgumentException when the configured dialect is not in the registry
     */
    public Scraper(ScrapeConfig config, DialectRegistry registry, InstantSource clock, HttpClient client) {
        this.config = Objects.requireNonNull(config, "config");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.reader = new SampleReader(registry, config.dialect(), config.limits());
        this.client = Objects.requireNonNull(client, "client");
        this.plain = null;
    }

    /** The HTTP client a scraper sends through: {@code connectTimeout}, redirects followed. */
    public static HttpClient client(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** The client of a scraper of its own for an {@code https://} engine. */
    private static HttpClient client(ScrapeConfig config) {
        return client(config.connectTimeout());
    }

    public ScrapeConfig config() {
        return config;
    }

    /**
     * Closes the connection a scraper of its own keeps to an {@code http://} engine (waiting for a scrape in flight,
     * which its timeouts bound); a scrape after this opens a new one. A shared or {@code https://} client is left as
     * it is: it is not this scraper's alone, and the JDK's client cannot be closed before Java 21.
     */
    @Override
    public void close() {
        if (plain != null) {
            plain.close();
        }
    }

    /** The reader every scrape's body goes through: the configured dialect, or detection, within the config's limits. */
    public SampleReader reader() {
        return reader;
    }

    /**
     * One GET of the endpoint, mapped to a sample or a typed failure. Only a {@link VirtualMachineError} (out of
     * memory, say) passes through, as itself, whichever thread it was raised on: it is not the engine's failure.
     */
    public ScrapeOutcome scrape() {
        Instant scrapedAt = clock.instant();
        long started = System.nanoTime();
        Fetch fetched = fetch(started);
        if (fetched instanceof Fetch.Failed failed) {
            return failed.failure();
        }
        Fetch.Body body = (Fetch.Body) fetched;
        return read(body.bytes(), body.length(), body.contentType(), scrapedAt, started);
    }

    /** One GET of the endpoint: the body, decompressed and bounded, or a typed failure. Never throws. */
    public Fetch fetch() {
        return fetch(System.nanoTime());
    }

    private Fetch fetch(long started) {
        if (plain != null) {
            return fetchPlain(started);
        }
        URI url = config.url();
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(config.readTimeout())
                .header("Accept", ACCEPT)
                .header("Accept-Encoding", "gzip")
                .GET()
                .build();
        CompletableFuture<HttpResponse<LimitedBodySubscriber.Body>> future = client.sendAsync(request,
                info -> bodySubscriber(info.statusCode(), info.headers().firstValue("Content-Encoding").orElse("")));
        HttpResponse<LimitedBodySubscriber.Body> response;
        try {
            long deadlineMillis = config.connectTimeout().plus(config.readTimeout()).toMillis();
            response = future.get(deadlineMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return failed(FailureKind.TIMEOUT, "no complete response within " + human(config.readTimeout()), started);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return failed(FailureKind.TIMEOUT, "interrupted while waiting for the response", started);
        } catch (ExecutionException e) {
            return new Fetch.Failed(failure(e.getCause(), started));
        }

        return answer(response.statusCode(), response.headers().firstValue("Content-Encoding").orElse(""),
                response.headers().firstValue("Content-Type").orElse(null), response.body(), started);
    }

    private Fetch fetchPlain(long started) {
        long deadline = started + config.connectTimeout().plus(config.readTimeout()).toNanos();
        PlainHttp.Response response;
        try {
            response = plain.get(config.url(), ACCEPT, true, head -> {
                int status = head.status();
                if (status < 200 || status > 299) {
                    return null; // only the status is reported
                }
                String encoding = encoding(nonNull(head.header("content-encoding")));
                if (!encoding.isEmpty() && !encoding.equals("identity") && !isGzip(encoding)) {
                    return null; // refused below, unread
                }
                return new LimitedBodySubscriber(config.maxBodyBytes(), isGzip(encoding));
            }, config.readTimeout(), deadline);
        } catch (PlainHttp.DeadlineException e) {
            return failed(FailureKind.TIMEOUT, "no complete response within " + human(config.readTimeout()), started);
        } catch (IOException | RuntimeException | Error e) {
            return new Fetch.Failed(failure(e, started)); // rethrows a VirtualMachineError, as the JDK path does
        }
        PlainHttp.Head head = response.head();
        return answer(head.status(), nonNull(head.header("content-encoding")), head.header("content-type"),
                response.body(), started);
    }

    private static String nonNull(String header) {
        return header == null ? "" : header;
    }

    /** A response, whichever client fetched it: its status and encoding checked, or its body. */
    private Fetch answer(int status, String contentEncoding, String contentType, LimitedBodySubscriber.Body body,
                         long started) {
        URI url = config.url();
        if (status == 404 || status == 501) {
            return new Fetch.Failed(new ScrapeOutcome.Failure(url, FailureKind.METRICS_DISABLED, "HTTP " + status
                    + ": no metrics at " + url + " (" + METRICS_DISABLED_HINT + ")", since(started), status, 0, 0));
        }
        if (status < 200 || status > 299) {
            return new Fetch.Failed(new ScrapeOutcome.Failure(url, FailureKind.HTTP_STATUS, "HTTP " + status
                    + " from " + url, since(started), status, 0, 0));
        }

        String encoding = encoding(contentEncoding);
        if (!encoding.isEmpty() && !encoding.equals("identity") && !isGzip(encoding)) {
            return failed(FailureKind.MALFORMED, "unsupported Content-Encoding '" + encoding
                    + "' (accepted: gzip, identity)", started);
        }
        return new Fetch.Body(url, body.bytes(), body.length(), contentType, since(started));
    }

    /** The body's subscriber: a gzip body of a successful response is inflated while it arrives, within the limit. */
    private LimitedBodySubscriber bodySubscriber(int status, String contentEncoding) {
        boolean gzip = status >= 200 && status <= 299 && isGzip(encoding(contentEncoding));
        return new LimitedBodySubscriber(config.maxBodyBytes(), gzip);
    }

    private static String encoding(String header) {
        return header.trim().toLowerCase(Locale.ROOT);
    }

    private static boolean isGzip(String encoding) {
        return encoding.equals("gzip") || encoding.equals("x-gzip");
    }

    private ScrapeOutcome read(byte[] bytes, int length, String contentType, Instant scrapedAt, long started) {
        URI url = config.url();
        ReadOutcome outcome = reader.read(bytes, 0, length, contentType, scrapedAt);
        if (outcome instanceof ReadOutcome.Malformed m && m.error().exceedsLimit()) {
            return new ScrapeOutcome.Failure(url, FailureKind.TOO_LARGE, url + ": payload too large: "
                    + m.error().getMessage(), since(started), 0, m.line(), m.column());
        }
        if (outcome instanceof ReadOutcome.Malformed m) {
            return new ScrapeOutcome.Failure(url, FailureKind.MALFORMED, "malformed metrics from " + url + ": "
                    + m.error().getMessage(), since(started), 0, m.line(), m.column());
        }
        if (outcome instanceof ReadOutcome.Unrecognised u) {
            return fail(FailureKind.UNRECOGNISED, u.message(), started);
        }
        ReadOutcome.Read read = (ReadOutcome.Read) outcome;
        EngineSample sample = read.sample();
        EngineDialect dialect = registry.byName(read.dialect()).orElseThrow();
        if (dialect instanceof AuxiliaryReading aux) {
            sample = auxiliary(aux, sample);
        }
        return new ScrapeOutcome.Success(url, sample, read.dialect(), read.usedFamilies(), since(started), length);
    }

    /**
     * The second, bounded fetch a dialect asked for (llama.cpp's {@code /slots}), with its own deadline and size
     * limit. Any failure leaves the sample as it was: those signals stay unknown, never zero.
     */
    private EngineSample auxiliary(AuxiliaryReading aux, EngineSample sample) {
        URI auxUrl;
        try {
            auxUrl = config.url().resolve(aux.auxiliaryPath());
        } catch (IllegalArgumentException e) {
            return sample;
        }
        if (plain != null) {
            return auxiliaryPlain(aux, auxUrl, sample);
        }
        HttpRequest request = HttpRequest.newBuilder(auxUrl)
                .timeout(config.auxiliaryTimeout())
                .header("Accept", "application/json")
                .GET()
                .build();
        CompletableFuture<HttpResponse<LimitedBodySubscriber.Body>> future =
                client.sendAsync(request, info -> new LimitedBodySubscriber(ScrapeConfig.MAX_AUXILIARY_BYTES));
        try {
            HttpResponse<LimitedBodySubscriber.Body> response =
                    future.get(config.auxiliaryTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (response.statusCode() != 200) {
                return sample;
            }
            String encoding = response.headers().firstValue("Content-Encoding").orElse("").trim();
            if (!encoding.isEmpty() && !encoding.equalsIgnoreCase("identity")) {
                return sample;
            }
            LimitedBodySubscriber.Body body = response.body();
            return aux.withAuxiliary(sample, body.bytes(), body.length());
        } catch (TimeoutException e) {
            future.cancel(true);
            return sample;
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return sample;
        } catch (ExecutionException | RuntimeException e) {
            return sample;
        }
    }

    private EngineSample auxiliaryPlain(AuxiliaryReading aux, URI auxUrl, EngineSample sample) {
        if (!"http".equalsIgnoreCase(auxUrl.getScheme())) {
            return sample;
        }
        try {
            PlainHttp.Response response = plain.get(auxUrl, "application/json", false, head -> {
                String encoding = nonNull(head.header("content-encoding")).trim();
                return head.status() != 200 || !(encoding.isEmpty() || encoding.equalsIgnoreCase("identity"))
                        ? null : new LimitedBodySubscriber(ScrapeConfig.MAX_AUXILIARY_BYTES);
            }, config.auxiliaryTimeout(), System.nanoTime() + config.auxiliaryTimeout().toNanos());
            String encoding = nonNull(response.head().header("content-encoding")).trim();
            if (response.head().status() != 200 || !(encoding.isEmpty() || encoding.equalsIgnoreCase("identity"))) {
                return sample;
            }
            return aux.withAuxiliary(sample, response.body().bytes(), response.body().length());
        } catch (IOException | RuntimeException e) {
            return sample;
        }
    }

    private ScrapeOutcome.Failure failure(Throwable cause, long started) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof VirtualMachineError vm) {
                throw vm; // out of memory is the process's state, not the engine's: never "unreachable"
            }
            if (t instanceof LimitedBodySubscriber.TooLargeException) {
                return fail(FailureKind.TOO_LARGE, t.getMessage(), started);
            }
            if (t instanceof LimitedBodySubscriber.BadGzipException) {
                return fail(FailureKind.MALFORMED, "Content-Encoding is gzip but the body is not valid gzip: "
                        + t.getMessage(), started);
            }
            if (t instanceof HttpConnectTimeoutException || t instanceof PlainHttp.ConnectTimeoutException) {
                return fail(FailureKind.UNREACHABLE, "could not connect within " + human(config.connectTimeout()),
                        started);
            }
            if (t instanceof HttpTimeoutException) {
                return fail(FailureKind.TIMEOUT, "no response within " + human(config.readTimeout()), started);
            }
            if (t instanceof ConnectException) {
                return fail(FailureKind.UNREACHABLE, "connection refused", started);
            }
            if (t instanceof UnknownHostException) {
                return fail(FailureKind.UNREACHABLE, "unknown host " + config.url().getHost(), started);
            }
        }
        String what = cause == null ? "unknown error" : cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return fail(FailureKind.UNREACHABLE, what, started);
    }

    private Fetch failed(FailureKind kind, String message, long started) {
        return new Fetch.Failed(fail(kind, message, started));
    }

    /** A failure whose message names the endpoint: a log line must say where as well as what. */
    private ScrapeOutcome.Failure fail(FailureKind kind, String message, long started) {
        return ScrapeOutcome.Failure.of(config.url(), kind, config.url() + ": " + message, since(started));
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
