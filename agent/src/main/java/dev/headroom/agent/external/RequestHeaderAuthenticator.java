package dev.headroom.agent.external;

import javax.security.auth.x500.X500Principal;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Authenticates the Kubernetes aggregator as an extension API server does ({@code k8s.io/apiserver}
 * {@code requestheader}): the client certificate must chain to the request-header CA
 * ({@code requestheader-client-ca-file} of {@code kube-system/extension-apiserver-authentication}), allow client
 * authentication, and (when names are configured) carry an allowed common name; then the user and groups are read
 * from the request headers. Without such a certificate the headers are ignored: anyone can send
 * {@code X-Remote-User}.
 *
 * <p>The TLS handshake requests a certificate but does not verify it (as Go's {@code RequestClientCert}); the chain
 * is verified here, per request, so that a rejection is a 401 with a reason rather than a broken handshake, and so
 * that a rotated CA file is picked up without a restart (it is re-read when its modification time changes).
 */
public final class RequestHeaderAuthenticator {

    private static final String CLIENT_AUTH_EKU = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_EKU = "2.5.29.37.0";

    private final Path clientCaFile;
    private final Set<String> allowedNames;
    private final List<String> userHeaders;
    private final List<String> groupHeaders;
    private final InstantSource clock;
    private volatile LoadedCa ca;

    private record LoadedCa(FileTime modified, long size, List<X509Certificate> certs, Set<TrustAnchor> anchors) {
    }

    /**
     * @param clientCaFile the request-header CA bundle (PEM)
     * @param allowedNames the common names the aggregator's certificate may carry; empty: any from that CA
     * @param userHeaders  the headers that name the user, first non-empty wins ({@code X-Remote-User})
     * @param groupHeaders the headers that name the groups, every value ({@code X-Remote-Group})
     * @param clock        the present, for the certificates' validity
     */
    public RequestHeaderAuthenticator(Path clientCaFile, List<String> allowedNames, List<String> userHeaders,
                                      List<String> groupHeaders, InstantSource clock) {
        this.clientCaFile = Objects.requireNonNull(clientCaFile, "clientCaFile");
        this.allowedNames = Set.copyOf(allowedNames);
        this.userHeaders = List.copyOf(userHeaders);
        this.groupHeaders = List.copyOf(groupHeaders);
        this.clock = Objects.requireNonNull(clock, "clock");
        if (userHeaders.isEmpty()) {
            throw new IllegalArgumentException("at least one user header is needed, e.g. X-Remote-User");
        }
    }

    /** Loads the CA now, so that a missing or unreadable file fails the start rather than the first request. */
    public RequestHeaderAuthenticator verifyCaReadable() throws IOException, CertificateException {
        current();
        return this;
    }

    /** The CA certificates, for the TLS handshake's list of acceptable issuers; empty when unreadable. */
    public X509Certificate[] acceptedIssuers() {
        try {
            return current().certs().toArray(X509Certificate[]::new);
        } catch (IOException | CertificateException e) {
            return new X509Certificate[0];
        }
    }

    /**
     * Who is calling.
     *
     * @param peerChain the client's certificate chain as presented, leaf first; null or empty when none
     * @param headers   a request header's values by name (case-insensitive), empty when absent
     */
    public Authentication authenticate(Certificate[] peerChain, Function<String, List<String>> headers) {
        if (peerChain == null || peerChain.length == 0) {
            return new Authentication.Rejected("no client certificate: only the Kubernetes aggregator may call, "
                    + "with its front-proxy client certificate");
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : peerChain) {
            if (!(c instanceof X509Certificate x)) {
                return new Authentication.Rejected("the client certificate is not X.509");
            }
            chain.add(x);
        }
        X509Certificate leaf = chain.get(0);
        LoadedCa loaded;
        try {
            loaded = current();
        } catch (IOException | CertificateException e) {
            return new Authentication.Rejected("cannot read the request-header CA " + clientCaFile + ": " + e.getMessage());
        }
        // A client may send the CA itself at the end of its chain; the validator wants the path below the anchor.
        while (chain.size() > 1 && loaded.certs().contains(chain.get(chain.size() - 1))) {
            chain.remove(chain.size() - 1);
        }
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            PKIXParameters params = new PKIXParameters(loaded.anchors());
            params.setRevocationEnabled(false);
            params.setDate(Date.from(clock.instant()));
            CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(chain), params);
        } catch (GeneralSecurityException e) {
            return new Authentication.Rejected("the client certificate " + leaf.getSubjectX500Principal().getName()
                    + " does not verify against the request-header CA: " + e.getMessage());
        }
        try {
            List<String> eku = leaf.getExtendedKeyUsage();
            if (eku != null && !eku.contains(CLIENT_AUTH_EKU) && !eku.contains(ANY_EKU)) {
                return new Authentication.Rejected("the client certificate is not for client authentication");
            }
        } catch (CertificateException e) {
            return new Authentication.Rejected("the client certificate's extended key usage is unreadable");
        }
        String name = commonName(leaf.getSubjectX500Principal());
        if (!allowedNames.isEmpty() && !allowedNames.contains(name)) {
            return new Authentication.Rejected("the client certificate's common name '" + name
                    + "' is not an allowed request-header name " + allowedNames);
        }
        String user = null;
        for (String h : userHeaders) {
            for (String v : headers.apply(h)) {
                if (!v.isBlank()) {
                    user = v.trim();
                    break;
                }
            }
            if (user != null) {
                break;
            }
        }
        if (user == null) {
            return new Authentication.Proxy(name);
        }
        List<String> groups = new ArrayList<>();
        for (String h : groupHeaders) {
            for (String v : headers.apply(h)) {
                if (!v.isBlank()) {
                    groups.add(v.trim());
                }
            }
        }
        return new Authentication.User(user, groups, name);
    }

    private LoadedCa current() throws IOException, CertificateException {
        FileTime modified = Files.getLastModifiedTime(clientCaFile);
        long size = Files.size(clientCaFile);
        LoadedCa c = ca;
        if (c != null && c.modified().equals(modified) && c.size() == size) {
            return c;
        }
        List<X509Certificate> certs = new ArrayList<>();
        try (InputStream in = Files.newInputStream(clientCaFile)) {
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certs.add((X509Certificate) cert);
            }
        }
        if (certs.isEmpty()) {
            throw new CertificateException("no certificate in " + clientCaFile);
        }
        Set<TrustAnchor> anchors = new HashSet<>();
        for (X509Certificate cert : certs) {
            anchors.add(new TrustAnchor(cert, null));
        }
        c = new LoadedCa(modified, size, List.copyOf(certs), anchors);
        ca = c;
        return c;
    }

    /** The CN of a distinguished name, or the whole name when it has none. */
    static String commonName(X500Principal principal) {
        String dn = principal.getName(X500Principal.RFC2253);
        for (String part : splitRdn(dn)) {
            if (part.regionMatches(true, 0, "CN=", 0, 3)) {
                return part.substring(3);
            }
        }
        return dn;
    }

    private static List<String> splitRdn(String dn) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < dn.length(); i++) {
            char c = dn.charAt(i);
            if (c == '\\' && i + 1 < dn.length()) {
                current.append(dn.charAt(++i));
            } else if (c == ',' || c == '+') {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return Arrays.asList(parts.toArray(String[]::new));
    }
}
