package dev.headroom.agent.keda;

import dev.headroom.autoscaler.kubernetes.DecisionBook;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.InstantSource;
import java.util.OptionalInt;

/**
 * Starts the KEDA scaler when the controller role starts and {@code headroom.keda.enabled=true}; nothing else starts
 * it, so a sidecar never serves it. Settings are validated first; an error names the key.
 */
@ApplicationScoped
public class KedaRole {

    private static final Logger LOG = Logger.getLogger(KedaRole.class);

    private final KedaConfig config;
    private final KedaServer server;

    public KedaRole(Vertx vertx, DecisionBook book, KedaConfig config) {
        this.config = config;
        this.server = new KedaServer(vertx, book);
    }

    /** Called by the controller role once it runs; a no-op unless enabled. */
    public void startWithController() {
        if (config.enabled()) {
            int port = server.start(KedaSettings.from(config), InstantSource.system());
            LOG.infof("KEDA external scaler served over TLS (client certificates required) on port %d", port);
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
