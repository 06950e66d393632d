package dev.headroom.agent.sidecar;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness of the sidecar itself: down only when its scrape loop has stopped coming round. A round that failed
 * with an unexpected {@link Throwable} still came round: it is counted ({@code loopFailures}) and the last one
 * shown ({@code lastLoopFailure}), and the probe stays up. The engine's
 * state is reported as data, never as a failed probe: restarting the sidecar cannot fix the engine.
 */
@Liveness
@ApplicationScoped
public class ScrapeLoopHealthCheck implements HealthCheck {

    private final SidecarRuntime sidecar;

    public ScrapeLoopHealthCheck(SidecarRuntime sidecar) {
        this.sidecar = sidecar;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("scrape-loop").status(sidecar.loopAlive())
                .withData("loopFailures", sidecar.loopFailures());
        sidecar.lastLoopFailure().ifPresent(f -> response.withData("lastLoopFailure", f));
        sidecar.snapshot().ifPresent(s -> response
                .withData("engine", s.engineUrl().toString())
                .withData("engineUp", s.engineUp()));
        return response.build();
    }
}
