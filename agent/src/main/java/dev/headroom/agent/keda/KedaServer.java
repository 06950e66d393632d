package dev.headroom.agent.keda;

import dev.headroom.agent.keda.externalscaler.ExternalScalerGrpc;
import dev.headroom.agent.keda.externalscaler.GetMetricsRequest;
import dev.headroom.agent.keda.externalscaler.GetMetricsResponse;
import dev.headroom.agent.keda.externalscaler.IsActiveResponse;
import dev.headroom.agent.keda.externalscaler.ScaledObjectRef;
import dev.headroom.autoscaler.kubernetes.DecisionBook;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.agent.controller.DecisionsResource;
import dev.headroom.agent.external.TlsListener;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import org.jboss.logging.Logger;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * KEDA's {@code externalscaler.ExternalScaler} over gRPC, on a TLS port of its own that the controller role alone
 * opens: Vert.x's gRPC server on a Vert.x HTTP/2 server, as {@code ExternalMetricsServer} serves the external
 * metrics API. Adapts {@link KedaScaler}.
 *
 * <ul>
 *   <li><b>Who.</b> The handshake requires a client certificate signed by {@code client-ca-file}; without one there
 *   is no connection. The caller is the certificate's common name.</li>
 *   <li><b>What.</b> A caller may ask only about the namespaces {@code headroom.keda.clients} gives its name
 *   (KEDA sends the {@code ScaledObject}'s namespace in every request); anything else is {@code PERMISSION_DENIED},
 *   saying which name asked for which namespace.</li>
 *   <li><b>How many.</b> At most {@code max-streams} streams at once; one more is {@code RESOURCE_EXHAUSTED} with
 *   the limit and its key. A stream ends, its timer cancelled and its slot given back, when its client cancels it,
 *   its connection closes, or a write fails: a client that left leaves nothing ticking.</li>
 * </ul>
 *
 * <p>Invalid trigger metadata is {@code INVALID_ARGUMENT}; a metric without a value is {@code NOT_FOUND} (no
 * decision), {@code FAILED_PRECONDITION} (another mode) or {@code UNAVAILABLE} (no data, a stale decision). Streams
 * look again every {@code stream-interval} and send only when the answer changes.
 */
public final class KedaServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KedaServer.class);

    private final Vertx vertx;
    private final DecisionBook book;
    private final AtomicInteger streams = new AtomicInteger();
    private final AtomicLong refusedStreams = new AtomicLong();
    private HttpServer server;
    private KedaSettings settings;
    private KedaScaler scaler;

    public KedaServer(Vertx vertx, DecisionBook book) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.book = Objects.requireNonNull(book, "book");
    }

    /** Starts listening (once) and returns the bound port; a bad file or a port in use names the key. */
    public synchronized int start(KedaSettings settings, InstantSource clock) {
        if (server != null) {
            return server.actualPort();
        }
        this.settings = settings;
        this.scaler = new KedaScaler(book, clock, settings.maxDecisionAge());
        GrpcServer grpc = GrpcServer.server(vertx);
        grpc.callHandler(ExternalScalerGrpc.getIsActiveMethod(), call -> unary(call,
                ref -> activity(trigger(ref))));
        grpc.callHandler(ExternalScalerGrpc.getGetMetricSpecMethod(), call -> unary(call,
                ref -> scaler.metricSpec(trigger(ref))));
        grpc.callHandler(ExternalScalerGrpc.getGetMetricsMethod(), call -> metrics(call));
        grpc.callHandler(ExternalScalerGrpc.getStreamIsActiveMethod(), call -> stream(call, this::activity));
        grpc.callHandler(ExternalScalerGrpc.getStreamMetricSpecMethod(), call -> stream(call, scaler::metricSpec));
        HttpServerOptions options = TlsListener.options(settings.host(), settings.port(), settings.tlsCertFile(),
                        settings.tlsKeyFile())
                .setTrustOptions(new PemTrustOptions().addCertPath(settings.clientCaFile().toString()))
                .setClientAuth(ClientAuth.REQUIRED);
        HttpServer s = vertx.createHttpServer(options).requestHandler(req -> {
            String type = req.getHeader("content-type");
            if (type != null && type.startsWith("application/grpc")) {
                grpc.handle(req);
            } else {
                decisions(req);
            }
        });
        try {
            s.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot serve the KEDA scaler on " + settings.host() + ":"
                    + settings.port() + " (" + KedaSettings.PREFIX + "port, " + KedaSettings.PREFIX
                    + "tls-cert-file, tls-key-file, client-ca-file): " + rootMessage(e), e);
        }
        server = s;
        return s.actualPort();
    }

    /** The bound port; only while running. */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("the KEDA scaler is not running");
        }
        return server.actualPort();
    }

    public synchronized boolean running() {
        return server != null;
    }

    /** Streams open now. */
    public int openStreams() {
        return streams.get();
    }

    /** Streams refused for the cap since start. */
    public long refusedStreams() {
        return refusedStreams.get();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /**
     * {@code GET /v1/decisions} on this port: the decisions of the namespaces the client's certificate is given,
     * and no others; anything else is 404.
     */
    private void decisions(HttpServerRequest req) {
        if (!"/v1/decisions".equals(req.path()) || req.method() != HttpMethod.GET) {
            req.response().setStatusCode(404).putHeader("Content-Type", "application/json")
                    .end("{\"error\":\"not found: this port serves KEDA's gRPC scaler and GET /v1/decisions\"}");
            return;
        }
        Optional<String> caller = commonName(req.sslSession());
        String body;
        try {
            var mine = book.all().stream().filter(w -> caller.isPresent()
                    && settings.allows(caller.get(), w.key().namespace())).toList();
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("client", caller.orElse(null));
            view.put("decisions", mine.stream().map(DecisionsResource::view).toList());
            body = JSON.writeValueAsString(view);
        } catch (Exception e) {
            req.response().setStatusCode(500).end();
            return;
        }
        req.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(body);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private IsActiveResponse activity(KedaTrigger trigger) {
        return IsActiveResponse.newBuilder().setResult(scaler.isActive(trigger)).build();
    }

    /** A refusal that becomes the call's status. */
    private static final class Refused extends RuntimeException {
        final GrpcStatus status;

        Refused(GrpcStatus status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private static KedaTrigger trigger(ScaledObjectRef ref) {
        try {
            return KedaTrigger.of(ref);
        } catch (KedaTrigger.InvalidTriggerException e) {
            throw new Refused(GrpcStatus.INVALID_ARGUMENT, e.getMessage());
        }
    }

    /** The caller's name, and whether it may ask about {@code namespace}; throws {@link Refused} when not. */
    private void authorize(GrpcServerRequest<?, ?> call, String namespace) {
        Optional<String> caller = commonName(call.connection().sslSession());
        if (caller.isEmpty()) {
            throw new Refused(GrpcStatus.UNAUTHENTICATED, "no client certificate with a common name");
        }
        if (!settings.allows(caller.get(), namespace)) {
            throw new Refused(GrpcStatus.PERMISSION_DENIED, "client '" + caller.get() + "' may not read namespace '"
                    + namespace + "' (" + KedaSettings.PREFIX + "clients.\"" + caller.get() + "\")");
        }
    }

    private <T> void unary(GrpcServerRequest<ScaledObjectRef, T> call, Function<ScaledObjectRef, T> answer) {
        call.handler(ref -> {
            try {
                authorize(call, ref.getNamespace());
                call.response().end(answer.apply(ref));
            } catch (Refused r) {
                fail(call.response(), r.status, r.getMessage());
            } catch (RuntimeException e) {
                LOG.warnf(e, "KEDA %s failed", call.methodName());
                fail(call.response(), GrpcStatus.INTERNAL, "internal error: " + rootMessage(e));
            }
        });
    }

    private void metrics(GrpcServerRequest<GetMetricsRequest, GetMetricsResponse> call) {
        call.handler(request -> {
            try {
                authorize(call, request.getScaledObjectRef().getNamespace());
                KedaTrigger trigger = trigger(request.getScaledObjectRef());
                call.response().end(scaler.metrics(trigger, request.getMetricName()));
            } catch (Refused r) {
                fail(call.response(), r.status, r.getMessage());
            } catch (KedaScaler.NoValueException e) {
                GrpcStatus status = switch (e.why()) {
                    case NO_DECISION -> GrpcStatus.NOT_FOUND;
                    case OTHER_MODE -> GrpcStatus.FAILED_PRECONDITION;
                    case NO_DATA, STALE -> GrpcStatus.UNAVAILABLE;
                };
                fail(call.response(), status, e.getMessage());
            } catch (RuntimeException e) {
                LOG.warnf(e, "KEDA GetMetrics failed");
                fail(call.response(), GrpcStatus.INTERNAL, "internal error: " + rootMessage(e));
            }
        });
    }

    /** The answer now, then again on each change, until the client goes; bounded by {@code max-streams}. */
    private <T> void stream(GrpcServerRequest<ScaledObjectRef, T> call, Function<KedaTrigger, T> answer) {
        call.handler(ref -> {
            KedaTrigger trigger;
            try {
                authorize(call, ref.getNamespace());
                trigger = trigger(ref);
            } catch (Refused r) {
                fail(call.response(), r.status, r.getMessage());
                return;
            }
            if (streams.incrementAndGet() > settings.maxStreams()) {
                streams.decrementAndGet();
                refusedStreams.incrementAndGet();
                fail(call.response(), GrpcStatus.RESOURCE_EXHAUSTED, "the KEDA scaler serves at most "
                        + settings.maxStreams() + " streams at once (" + KedaSettings.PREFIX + "max-streams)");
                return;
            }
            new Stream<>(call.response(), trigger, answer).open(call);
        });
    }

    /** One open stream: its timer, its last answer, and one way out. */
    private final class Stream<T> {
        final GrpcServerResponse<ScaledObjectRef, T> response;
        final KedaTrigger trigger;
        final Function<KedaTrigger, T> answer;
        long timer = -1;
        T last;
        boolean ended;

        Stream(GrpcServerResponse<ScaledObjectRef, T> response, KedaTrigger trigger, Function<KedaTrigger, T> answer) {
            this.response = response;
            this.trigger = trigger;
            this.answer = answer;
        }

        void open(GrpcServerRequest<ScaledObjectRef, T> call) {
            call.errorHandler(error -> end());          // the client cancelled (RST_STREAM)
            call.exceptionHandler(e -> end());          // the connection closed under the stream
            response.exceptionHandler(e -> end());
            call.connection().closeHandler(v -> end());
            look();
            if (!ended) {
                timer = vertx.setPeriodic(settings.streamInterval().toMillis(), id -> look());
            }
        }

        void look() {
            if (ended) {
                return;
            }
            try {
                T now = answer.apply(trigger);
                if (!now.equals(last)) {
                    last = now;
                    response.write(now).onFailure(e -> end());
                }
            } catch (RuntimeException e) {
                LOG.warnf(e, "KEDA stream for %s/%s failed", trigger.namespace(), trigger.workload());
                end();
                fail(response, GrpcStatus.INTERNAL, "internal error: " + rootMessage(e));
            }
        }

        void end() {
            if (ended) {
                return;
            }
            ended = true;
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            streams.decrementAndGet();
        }
    }

    private static void fail(GrpcServerResponse<?, ?> response, GrpcStatus status, String message) {
        try {
            response.status(status).statusMessage(message).end();
        } catch (RuntimeException ignored) {
            // the client is gone
        }
    }

    /** The common name of the client certificate the handshake verified; empty without one. */
    static Optional<String> commonName(SSLSession session) {
        if (session == null) {
            return Optional.empty();
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                return Optional.empty();
            }
            for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return Optional.of(rdn.getValue().toString());
                }
            }
            return Optional.empty();
        } catch (SSLPeerUnverifiedException | InvalidNameException e) {
            return Optional.empty();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
