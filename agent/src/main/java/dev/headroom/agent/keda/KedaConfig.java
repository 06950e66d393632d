package dev.headroom.agent.keda;

import dev.headroom.agent.external.ServedValue;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The KEDA external scaler ({@code headroom.keda.*}, or {@code HEADROOM_KEDA_*}). Off unless enabled; served by the
 * controller role only, over TLS with client-certificate authentication on its own port, never on the plain HTTP
 * port and never by a sidecar. See {@code src/docs/external-metrics.md}, "KEDA: TLS, who may ask for what".
 */
@ConfigMapping(prefix = "headroom.keda")
public interface KedaConfig {

    /** Serve the scaler (the controller role only). */
    @WithDefault("false")
    boolean enabled();

    /** The address to listen on. */
    @WithDefault("0.0.0.0")
    String host();

    /** The TLS port KEDA's {@code scalerAddress} names ({@code 0}: any free port, for tests). */
    @WithDefault("9443")
    int port();

    /** The serving certificate chain (PEM). */
    Optional<String> tlsCertFile();

    /** The serving key (PEM). */
    Optional<String> tlsKeyFile();

    /** The CA bundle (PEM) that signs the certificates KEDA presents (its {@code tlsClientCert}); required. */
    Optional<String> clientCaFile();

    /**
     * Which namespaces each client may ask about, by the common name of its certificate, one entry per client:
     * {@code NAME=ns1|ns2}, {@code *} for every namespace, e.g.
     * {@code HEADROOM_KEDA_CLIENTS=keda-team-a=team-a,keda-operator=*}. A client not named here is refused
     * ({@code PERMISSION_DENIED}).
     */
    Optional<List<String>> clients();

    /** At most this many streams at once ({@code StreamIsActive}, {@code StreamMetricSpec}); beyond: {@code RESOURCE_EXHAUSTED}. */
    @WithDefault("256")
    int maxStreams();

    /** A decision older than this is not served (GetMetrics fails, the HPA holds; IsActive stays true). */
    @WithDefault(ServedValue.DEFAULT_MAX_DECISION_AGE)
    Duration maxDecisionAge();

    /** How often the streams ({@code StreamIsActive}, {@code StreamMetricSpec}) look again; they send on change. */
    @WithDefault("1s")
    Duration streamInterval();
}
