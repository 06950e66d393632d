package dev.headroom.agent.external;

import dev.headroom.autoscaler.kubernetes.DecisionBook;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.InstantSource;
import java.util.OptionalInt;

/**
 * Starts the external metrics server with the agent when {@code headroom.external-metrics.enabled=true}; settings
 * are validated first, and a missing file or a port in use stops the start with the key named.
 */
@ApplicationScoped
public class ExternalMetricsRole {

    private static final Logger LOG = Logger.getLogger(ExternalMetricsRole.class);

    private final ExternalMetricsConfig config;
    private final ExternalMetricsServer server;

    public ExternalMetricsRole(Vertx vertx, DecisionBook book, ExternalMetricsConfig config) {
        this.config = config;
        this.server = new ExternalMetricsServer(vertx, book);
    }

    void onStart(@Observes StartupEvent event) {
        if (config.enabled()) {
            int port = server.start(ExternalMetricsSettings.from(config), InstantSource.system());
            LOG.infof("external.metrics.k8s.io/v1beta1 served over TLS on port %d", port);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        server.close();
    }

    /** The TLS port, when serving. */
    public OptionalInt port() {
        return server.running() ? OptionalInt.of(server.port()) : OptionalInt.empty();
    }
}
