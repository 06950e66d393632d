package dev.headroom.agent.sidecar;

import dev.headroom.signals.monitor.DrainState;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /v1/drained}, for a pod's {@code preStop} hook ({@code deploy/examples/vllm-with-headroom.yaml}):
 * 200 when the engine reports 0 running and 0 waiting requests; 503 with the counts while it is busy, and 503
 * with the reason when they are not known (engine unreachable, signals stale, counts not reported) — never
 * "drained" on missing data. The verdict is {@link DrainState}'s; this only renders it.
 */
@Path("/v1/drained")
public class DrainedResource {

    private final SidecarRuntime sidecar;

    public DrainedResource(SidecarRuntime sidecar) {
        this.sidecar = sidecar;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response drained() {
        return sidecar.snapshot().map(s -> {
            DrainState d = DrainState.of(s);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("drained", d.drained());
            body.put("state", d.verdict().key());
            body.put("running", d.running().isPresent() ? d.running().getAsDouble() : null);
            body.put("waiting", d.waiting().isPresent() ? d.waiting().getAsDouble() : null);
            body.put("ageSeconds", d.age().map(a -> a.toMillis() / 1000.0).orElse(null));
            body.put("reason", d.reason());
            return Response.status(d.drained() ? Response.Status.OK : Response.Status.SERVICE_UNAVAILABLE)
                    .entity(body).build();
        }).orElseGet(() -> Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .entity(Map.of("drained", false, "state", "unknown", "reason", "this agent is not running as a"
                        + " sidecar: start it with 'headroom sidecar --engine-url URL'"))
                .build());
    }
}
