package dev.headroom.agent.external;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The external metrics server's settings, validated.
 *
 * @param host              the address to listen on
 * @param port              the TLS port, 0 for any free one
 * @param tlsCertFile       the serving certificate chain (PEM)
 * @param tlsKeyFile        the serving key (PEM)
 * @param clientCaFile      the request-header CA (PEM)
 * @param allowedNames      allowed common names of the aggregator's certificate; empty: any
 * @param userHeaders       the user headers
 * @param groupHeaders      the group headers
 * @param maxDecisionAge    the oldest decision served
 */
public record ExternalMetricsSettings(String host, int port, Path tlsCertFile, Path tlsKeyFile, Path clientCaFile,
                                      List<String> allowedNames, List<String> userHeaders, List<String> groupHeaders,
                                      Duration maxDecisionAge) {

    private static final String PREFIX = "headroom.external-metrics.";

    public ExternalMetricsSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(tlsCertFile, "tlsCertFile");
        Objects.requireNonNull(tlsKeyFile, "tlsKeyFile");
        Objects.requireNonNull(clientCaFile, "clientCaFile");
        Objects.requireNonNull(maxDecisionAge, "maxDecisionAge");
        allowedNames = List.copyOf(allowedNames);
        userHeaders = List.copyOf(userHeaders);
        groupHeaders = List.copyOf(groupHeaders);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(PREFIX + "port must be 0..65535, got " + port);
        }
        if (userHeaders.isEmpty()) {
            throw new IllegalArgumentException(PREFIX + "requestheader-username-headers needs at least one header");
        }
        if (maxDecisionAge.isZero() || maxDecisionAge.isNegative()) {
            throw new IllegalArgumentException(PREFIX + "max-decision-age must be positive, got " + maxDecisionAge);
        }
    }

    /** From configuration; every missing or unreadable file is named by its key. */
    public static ExternalMetricsSettings from(ExternalMetricsConfig c) {
        return new ExternalMetricsSettings(c.host(), c.port(),
                readable("tls-cert-file", c.tlsCertFile().orElse(null)),
                readable("tls-key-file", c.tlsKeyFile().orElse(null)),
                readable("requestheader-client-ca-file", c.requestheaderClientCaFile().orElse(null)),
                c.requestheaderAllowedNames().orElse(List.of()), c.requestheaderUsernameHeaders(),
                c.requestheaderGroupHeaders(), c.maxDecisionAge());
    }

    private static Path readable(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(PREFIX + key + " is required when " + PREFIX + "enabled=true");
        }
        Path p = Path.of(value);
        if (!Files.isReadable(p)) {
            throw new IllegalArgumentException(PREFIX + key + "=" + value + ": no readable file there");
        }
        return p;
    }
}
