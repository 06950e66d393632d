package dev.headroom.agent.keda;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The KEDA scaler's settings, validated once; every problem is reported together, each naming its key.
 *
 * @param host           the address to listen on
 * @param port           the TLS port, 0 for any free one
 * @param tlsCertFile    the serving certificate chain (PEM)
 * @param tlsKeyFile     the serving key (PEM)
 * @param clientCaFile   the CA bundle that signs clients' certificates (PEM)
 * @param clients        namespaces each client (certificate common name) may ask about; {@code *} is every one
 * @param maxStreams     streams open at once, at most
 * @param maxDecisionAge the oldest decision served
 * @param streamInterval how often a stream looks again
 */
public record KedaSettings(String host, int port, Path tlsCertFile, Path tlsKeyFile, Path clientCaFile,
                           Map<String, Set<String>> clients, int maxStreams, Duration maxDecisionAge,
                           Duration streamInterval) {

    static final String PREFIX = "headroom.keda.";
    /** In a client's namespace list: every namespace. */
    public static final String ANY_NAMESPACE = "*";

    public KedaSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(tlsCertFile, "tlsCertFile");
        Objects.requireNonNull(tlsKeyFile, "tlsKeyFile");
        Objects.requireNonNull(clientCaFile, "clientCaFile");
        clients = Map.copyOf(clients);
        Objects.requireNonNull(maxDecisionAge, "maxDecisionAge");
        Objects.requireNonNull(streamInterval, "streamInterval");
    }

    /** Whether {@code client} (a certificate's common name) may ask about {@code namespace}. */
    public boolean allows(String client, String namespace) {
        Set<String> allowed = clients.get(client);
        return allowed != null && (allowed.contains(ANY_NAMESPACE) || allowed.contains(namespace));
    }

    /** From configuration; throws {@link IllegalArgumentException} naming every bad key. */
    public static KedaSettings from(KedaConfig c) {
        List<String> problems = new ArrayList<>();
        Path cert = readable("tls-cert-file", c.tlsCertFile().orElse(null), problems);
        Path key = readable("tls-key-file", c.tlsKeyFile().orElse(null), problems);
        Path ca = readable("client-ca-file", c.clientCaFile().orElse(null), problems);
        if (c.port() < 0 || c.port() > 65535) {
            problems.add(PREFIX + "port is " + c.port() + "; expected 0 to 65535");
        }
        if (c.maxStreams() < 1) {
            problems.add(PREFIX + "max-streams is " + c.maxStreams() + "; expected 1 or more");
        }
        for (var d : List.of(Map.entry("max-decision-age", c.maxDecisionAge()),
                Map.entry("stream-interval", c.streamInterval()))) {
            if (d.getValue().isZero() || d.getValue().isNegative()) {
                problems.add(PREFIX + d.getKey() + " is " + d.getValue() + "; expected a positive duration");
            }
        }
        Map<String, Set<String>> clients = new LinkedHashMap<>();
        for (String entry : c.clients().orElse(List.of())) {
            int eq = entry.indexOf('=');
            String name = eq < 0 ? entry.trim() : entry.substring(0, eq).trim();
            Set<String> namespaces = new LinkedHashSet<>();
            if (eq >= 0) {
                for (String ns : entry.substring(eq + 1).split("\\|")) {
                    if (!ns.isBlank()) {
                        namespaces.add(ns.trim());
                    }
                }
            }
            if (name.isEmpty() || namespaces.isEmpty()) {
                problems.add(PREFIX + "clients entry '" + entry + "' is not NAME=ns1|ns2 (or NAME=*)");
            } else {
                clients.put(name, Set.copyOf(namespaces));
            }
        }
        if (clients.isEmpty()) {
            problems.add(PREFIX + "clients names no client: set it to <certificate CN>=<ns1|ns2> (or =*) entries,"
                    + " or nobody may ask");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the KEDA scaler's settings: " + String.join("; ", problems));
        }
        return new KedaSettings(c.host(), c.port(), cert, key, ca, clients, c.maxStreams(), c.maxDecisionAge(),
                c.streamInterval());
    }

    private static Path readable(String key, String value, List<String> problems) {
        if (value == null || value.isBlank()) {
            problems.add(PREFIX + key + " is required when " + PREFIX + "enabled=true");
            return Path.of("");
        }
        Path p = Path.of(value);
        if (!Files.isReadable(p)) {
            problems.add(PREFIX + key + "=" + value + ": no readable file there");
        }
        return p;
    }
}
