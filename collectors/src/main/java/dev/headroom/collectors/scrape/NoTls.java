package dev.headroom.collectors.scrape;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import java.security.Provider;
import java.security.SecureRandom;

/**
 * The TLS context of a client that only speaks plain HTTP: it refuses every use. The JDK's {@code HttpClient}
 * initialises the default {@link SSLContext} as it is built unless it is given one (the JSSE provider and the
 * trust store: some 400 classes and the parsed CA certificates, kept for the life of the process), which a sidecar
 * scraping {@code http://127.0.0.1} never uses. A request that does need TLS (a redirect to https) fails as a
 * connection error.
 */
final class NoTls extends SSLContext {

    static final SSLContext CONTEXT = new NoTls();

    private NoTls() {
        super(new Refusing(), new Provider("headroom-no-tls", "1", "refuses TLS: plain HTTP only") {
            private static final long serialVersionUID = 1L;
        }, "none");
    }

    private static final class Refusing extends SSLContextSpi {

        private static UnsupportedOperationException refused() {
            return new UnsupportedOperationException("this client speaks plain HTTP only (the URL is http://)");
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) {
            throw refused();
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            throw refused();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            throw refused();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            throw refused();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            throw refused();
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            throw refused();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            throw refused();
        }
    }
}
