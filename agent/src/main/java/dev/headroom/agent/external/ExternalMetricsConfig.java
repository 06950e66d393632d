package dev.headroom.agent.external;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code external.metrics.k8s.io} server ({@code headroom.external-metrics.*}, or variables such as
 * {@code HEADROOM_EXTERNAL_METRICS_ENABLED}). Off unless enabled; validated once at start, an error names the key.
 * Key names follow the kube-apiserver flags they mirror. See {@code src/docs/external-metrics.md}.
 */
@ConfigMapping(prefix = "headroom.external-metrics")
public interface ExternalMetricsConfig {

    /** Serve the API (TLS on {@link #port()}); the plain HTTP port (sidecar, probes, KEDA) is unaffected. */
    @WithDefault("false")
    boolean enabled();

    /** The address to listen on. */
    @WithDefault("0.0.0.0")
    String host();

    /** The TLS port the APIService's Service points at ({@code 0}: any free port, for tests). */
    @WithDefault("6443")
    int port();

    /** The serving certificate chain (PEM), e.g. a mounted {@code kubernetes.io/tls} Secret's {@code tls.crt}. */
    Optional<String> tlsCertFile();

    /** The serving key (PEM, PKCS#8 or PKCS#1), e.g. {@code tls.key}. */
    Optional<String> tlsKeyFile();

    /**
     * The CA that signs the aggregator's front-proxy client certificate (PEM bundle): the
     * {@code requestheader-client-ca-file} of {@code kube-system/extension-apiserver-authentication}. Re-read when
     * it changes.
     */
    Optional<String> requestheaderClientCaFile();

    /**
     * The common names the aggregator's certificate may carry ({@code requestheader-allowed-names}, e.g.
     * {@code front-proxy-client}); empty: any certificate from that CA.
     */
    Optional<List<String>> requestheaderAllowedNames();

    /** The headers that carry the user ({@code requestheader-username-headers}). */
    @WithDefault("X-Remote-User")
    List<String> requestheaderUsernameHeaders();

    /** The headers that carry the groups ({@code requestheader-group-headers}). */
    @WithDefault("X-Remote-Group")
    List<String> requestheaderGroupHeaders();

    /** A decision older than this is not served (the HPA holds): the controller has stopped deciding. */
    @WithDefault(ServedValue.DEFAULT_MAX_DECISION_AGE)
    Duration maxDecisionAge();
}
