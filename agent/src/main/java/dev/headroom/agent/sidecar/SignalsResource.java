package dev.headroom.agent.sidecar;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/** {@code GET /v1/signals}: the sidecar's view of its engine as JSON (see {@link SignalsView}). */
@Path("/v1/signals")
public class SignalsResource {

    private final SidecarRuntime sidecar;

    public SignalsResource(SidecarRuntime sidecar) {
        this.sidecar = sidecar;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response signals() {
        return sidecar.snapshot()
                .map(s -> Response.ok(SignalsView.of(s, sidecar.gpu())).build())
                .orElseGet(() -> Response.status(Response.Status.SERVICE_UNAVAILABLE)
                        .entity(Map.of("error", "this agent is not running as a sidecar: start it with "
                                + "'headroom sidecar --engine-url URL' or set HEADROOM_SIDECAR_ENGINE_URL"))
                        .build());
    }
}
