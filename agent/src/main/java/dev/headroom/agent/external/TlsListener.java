package dev.headroom.agent.external;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;

import java.nio.file.Path;

/**
 * The options both of the controller's authenticated listeners start from (the external metrics API and the KEDA
 * scaler): TLS with ALPN, so that HTTP/2 (gRPC, the API server's aggregator) is offered, and the serving
 * certificate from PEM files. Each caller adds how it checks the client's certificate.
 */
public final class TlsListener {

    private TlsListener() {
    }

    /** TLS on {@code host:port} with the PEM certificate chain and key given. */
    public static HttpServerOptions options(String host, int port, Path certFile, Path keyFile) {
        return new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setSsl(true)
                .setUseAlpn(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(certFile.toString())
                        .setKeyPath(keyFile.toString()));
    }
}
