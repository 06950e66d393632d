package dev.headroom.agent.controller;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness of the controller role: down only when its tick has stopped coming round (no progress for the
 * heartbeat's {@code stallAfter}), the one thing a restart fixes. A failing policy is not a stalled loop: it is
 * reported on that policy. Up in any other role. Reads state only.
 */
@Liveness
@ApplicationScoped
public class ControllerLoopHealthCheck implements HealthCheck {

    private final ControllerRuntime runtime;

    public ControllerLoopHealthCheck(ControllerRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public HealthCheckResponse call() {
        var heartbeat = runtime.heartbeat();
        var response = HealthCheckResponse.named("controller-loop").status(heartbeat.map(h -> h.comingRound())
                .orElse(true));
        heartbeat.ifPresent(h -> response.withData("lastProgress", h.lastBeat().toString()));
        return response.build();
    }
}
