package dev.headroom.agent.external;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Certificates made at test time with the JDK's {@code keytool}: a request-header CA, a serving certificate for
 * 127.0.0.1, and client certificates (the aggregator's, one with a name not allowed, one from another CA).
 */
public final class TestCertificates {

    private static final String PASSWORD = "test-only";

    /** A key and its certificate chain, leaf first. */
    public record Identity(PrivateKey key, List<X509Certificate> chain) {
    }

    final Path dir;
    public final Path requestHeaderCaPem;
    public final Path serverCertPem;
    public final Path serverKeyPem;
    public final X509Certificate serverCert;
    public final Identity aggregator;
    public final Identity notAllowedName;
    public final Identity otherCa;

    private TestCertificates(Path dir) throws Exception {
        this.dir = dir;
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=requestheader-ca",
                "-ext", "bc:c", "-validity", "2", "-keystore", "ca.p12");
        keytool("-genkeypair", "-alias", "other", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=other-ca",
                "-ext", "bc:c", "-validity", "2", "-keystore", "other.p12");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=headroom",
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-ext", "eku=serverAuth", "-validity", "2",
                "-keystore", "server.p12");
        Identity ca = load("ca.p12", "ca");
        Identity server = load("server.p12", "server");
        this.aggregator = signed("ca.p12", "ca", "aggregator", "CN=front-proxy-client");
        this.notAllowedName = signed("ca.p12", "ca", "stranger", "CN=someone-else");
        this.otherCa = signed("other.p12", "other", "forger", "CN=front-proxy-client");
        this.serverCert = server.chain().get(0);
        this.requestHeaderCaPem = Files.writeString(dir.resolve("requestheader-ca.crt"), pem(ca.chain().get(0)));
        this.serverCertPem = Files.writeString(dir.resolve("tls.crt"), pem(serverCert));
        this.serverKeyPem = Files.writeString(dir.resolve("tls.key"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(server.key().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
    }

    public static TestCertificates create(Path dir) throws Exception {
        return new TestCertificates(dir);
    }

    /** A leaf for client authentication signed by the CA in {@code caStore}. */
    private Identity signed(String caStore, String caAlias, String alias, String dname) throws Exception {
        String store = alias + ".p12";
        keytool("-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-dname", dname, "-validity", "2",
                "-keystore", store);
        keytool("-certreq", "-alias", alias, "-keystore", store, "-file", alias + ".csr");
        keytool("-gencert", "-alias", caAlias, "-keystore", caStore, "-infile", alias + ".csr", "-outfile",
                alias + ".crt", "-ext", "eku=clientAuth", "-validity", "2", "-rfc");
        List<X509Certificate> chain = new ArrayList<>();
        try (InputStream in = Files.newInputStream(dir.resolve(alias + ".crt"))) {
            chain.add((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        return new Identity(load(store, alias).key(), chain);
    }

    private Identity load(String store, String alias) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(store))) {
            ks.load(in, PASSWORD.toCharArray());
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : ks.getCertificateChain(alias)) {
            chain.add((X509Certificate) c);
        }
        return new Identity((PrivateKey) ks.getKey(alias, PASSWORD.toCharArray()), chain);
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD, "-noprompt"));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
    }

    static String pem(X509Certificate cert) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    /**
     * A TLS context that trusts the serving certificate and, when {@code identity} is given, presents it whatever
     * issuers the server hints (as Go's {@code GetClientCertificate} does), so that a wrong certificate reaches the
     * server's verification instead of being withheld by the client.
     */
    public SSLContext clientContext(Identity identity) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", serverCert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        KeyManager[] keys = identity == null ? null : new KeyManager[] {new AlwaysPresent(identity)};
        ctx.init(keys, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private final Identity identity;

        AlwaysPresent(Identity identity) {
            this.identity = identity;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"client"};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "client";
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "client";
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return identity.chain().toArray(X509Certificate[]::new);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return identity.key();
        }
    }
}
