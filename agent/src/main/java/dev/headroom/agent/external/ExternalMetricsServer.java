package dev.headroom.agent.external;

import dev.headroom.autoscaler.kubernetes.DecisionBook;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.TrustOptions;
import org.jboss.logging.Logger;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Serves {@link ExternalMetricsApi} over TLS on its own port ({@code headroom.external-metrics.port}, 6443), apart
 * from the plain HTTP port that serves {@code /v1/signals}, {@code /q/*} and the KEDA scaler. Each request is
 * authenticated by {@link RequestHeaderAuthenticator} from the client certificate the handshake asked for.
 */
public final class ExternalMetricsServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ExternalMetricsServer.class);

    private final Vertx vertx;
    private final DecisionBook book;
    private HttpServer server;

    /**
     * @param vertx the Vert.x instance to serve on (Quarkus' own in the agent)
     * @param book  the decisions to serve
     */
    public ExternalMetricsServer(Vertx vertx, DecisionBook book) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.book = Objects.requireNonNull(book, "book");
    }

    /** Whether the server is listening. */
    public synchronized boolean running() {
        return server != null;
    }

    /** The bound port; only while running. */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("the external metrics server is not running");
        }
        return server.actualPort();
    }

    /**
     * Starts listening (once), and returns the bound port.
     *
     * @throws IllegalStateException when the certificates cannot be read or the port cannot be bound
     */
    public synchronized int start(ExternalMetricsSettings settings, InstantSource clock) {
        if (server != null) {
            return server.actualPort();
        }
        RequestHeaderAuthenticator authenticator = new RequestHeaderAuthenticator(settings.clientCaFile(),
                settings.allowedNames(), settings.userHeaders(), settings.groupHeaders(), clock);
        try {
            authenticator.verifyCaReadable();
        } catch (IOException | CertificateException e) {
            throw new IllegalStateException("headroom.external-metrics.requestheader-client-ca-file="
                    + settings.clientCaFile() + ": " + e.getMessage(), e);
        }
        ExternalMetricsApi api = new ExternalMetricsApi(book, clock, settings.maxDecisionAge());
        HttpServerOptions options = TlsListener.options(settings.host(), settings.port(), settings.tlsCertFile(),
                        settings.tlsKeyFile())
                .setTrustOptions(TrustOptions.wrap(new RequestedClientCertificates(authenticator)))
                .setClientAuth(ClientAuth.REQUEST);
        HttpServer s = vertx.createHttpServer(options).requestHandler(req -> handle(req, api, authenticator));
        try {
            s.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot serve external metrics on " + settings.host() + ":"
                    + settings.port() + ": " + rootMessage(e), e);
        }
        server = s;
        return s.actualPort();
    }

    /** Stops listening; a no-op when not running. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    private void handle(HttpServerRequest req, ExternalMetricsApi api, RequestHeaderAuthenticator authenticator) {
        String method = req.method().name();
        String path = req.path();
        String selector = req.getParam("labelSelector");
        Certificate[] chain = peerChain(req.sslSession());
        var headers = req.headers();
        // Off the event loop: the CA file is checked for changes and the chain verified per request.
        vertx.<ApiResponse>executeBlocking(() -> {
            Authentication caller = ExternalMetricsApi.isProbe(path)
                    ? new Authentication.Rejected("not needed")
                    : authenticator.authenticate(chain, headers::getAll);
            ApiResponse response = api.handle(method, path, selector, caller);
            if (response.status() == 401 || response.status() == 403) {
                LOG.debugf("external metrics: %s %s refused (%d): %s", method, path, response.status(),
                        caller instanceof Authentication.Rejected r ? r.reason() : caller);
            }
            return response;
        }, false).onComplete(result -> {
            ApiResponse r = result.succeeded() ? result.result()
                    : api.status(500, "InternalError", "internal error: " + rootMessage(result.cause()));
            req.response().setStatusCode(r.status()).putHeader("Content-Type", r.contentType()).end(r.body());
        });
    }

    private static Certificate[] peerChain(SSLSession session) {
        if (session == null) {
            return null;
        }
        try {
            return session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /**
     * Asks for the client's certificate and accepts any, as Go's {@code RequestClientCert}: the TLS handshake still
     * proves the client holds the key, and {@link RequestHeaderAuthenticator} verifies the chain per request. The
     * acceptable issuers sent to the client are the request-header CA, so that a client with several certificates
     * picks the right one.
     */
    private record RequestedClientCertificates(RequestHeaderAuthenticator authenticator) implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // verified per request, with a reason in the 401
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a server-side trust manager does not verify servers");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return authenticator.acceptedIssuers();
        }
    }
}
