package dev.headroom.agent.controller;

import dev.headroom.autoscaler.kubernetes.WorkloadDecision;
import dev.headroom.autoscaler.policy.SignalInput;
import dev.headroom.autoscaler.policy.UpperCamelCase;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.headroom.autoscaler.loop.ScaleInMarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/decisions}: every workload's latest decision with the per-signal inputs behind it, on the plain HTTP
 * port, unauthenticated, only with {@code headroom.controller.decisions-on-http-port=true} (else 404); the KEDA
 * scaler's TLS port serves each client its own namespaces' decisions ({@code KedaServer}).
 */
@Path("/v1/decisions")
public class DecisionsResource {

    private final ControllerRuntime runtime;
    private final ControllerConfig config;

    public DecisionsResource(ControllerRuntime runtime, ControllerConfig config) {
        this.runtime = runtime;
        this.config = config;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response decisions() {
        if (!config.decisionsOnHttpPort()) {
            return Response.status(404).entity(Map.of("error", "decisions are not served on this port"
                    + " (headroom.controller.decisions-on-http-port is false, the default): read them on the KEDA"
                    + " scaler's TLS port with a client certificate, GET /v1/decisions, or set it to true where every"
                    + " caller of this port may read every namespace's decisions")).build();
        }
        return Response.ok(body(runtime.isRunning(), runtime.isLeader(), runtime.all())).build();
    }

    /** The JSON body: whether a controller runs and leads, and the decisions given. */
    public static Map<String, Object> body(boolean running, boolean leader, java.util.Collection<WorkloadDecision> all) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("controller", running);
        body.put("leader", leader);
        body.put("decisions", all.stream().map(DecisionsResource::view).toList());
        return body;
    }

    /** The JSON of one decision; unknown values are null, never 0. */
    public static Map<String, Object> view(WorkloadDecision w) {
        var d = w.decision();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("namespace", w.key().namespace());
        m.put("workload", w.key().name());
        m.put("target", w.target().kind() + "/" + w.target().name());
        m.put("mode", w.mode().value());
        m.put("at", d.at().toString());
        m.put("currentReplicas", d.current());
        m.put("recommendedReplicas", d.recommended());
        m.put("stabilisedReplicas", d.stabilised());
        m.put("desiredReplicas", d.desired());
        m.put("reason", d.reason().value());
        m.put("dominantSignal", d.dominant().map(s -> s.key()).orElse(null));
        m.put("message", d.message());
        m.put("acted", w.acted());
        m.put("actionError", w.actionError().orElse(null));
        m.put("pods", Map.of("readyFresh", d.readyFresh(), "readyMissing", d.readyMissing(),
                "notReady", d.notReady()));
        m.put("signals", signals(d.signals()));
        m.put("scaleIn", w.scaleIn().map(DecisionsResource::scaleIn).orElse(null));
        return m;
    }

    /** Which pods a scale-in marks to go first, and why; null in the view when there was no scale-in. */
    private static Map<String, Object> scaleIn(ScaleInMarks marks) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("removing", marks.removing());
        m.put("applied", marks.applied());
        m.put("victims", marks.victims());
        m.put("note", marks.note());
        m.put("ranking", marks.ranking().replicas().stream().map(r -> {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("pod", r.pod());
            p.put("cost", r.cost());
            p.put("why", r.why());
            return p;
        }).toList());
        return m;
    }

    private static List<Map<String, Object>> signals(List<SignalInput> inputs) {
        return inputs.stream().map(i -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("signal", i.signal().key());
            s.put("aggregation", i.aggregation().name().toLowerCase(java.util.Locale.ROOT));
            s.put("target", i.target());
            s.put("workloadValue", i.workloadValue().isPresent() ? i.workloadValue().getAsDouble() : null);
            s.put("perReplicaValue", i.perReplicaValue().isPresent() ? i.perReplicaValue().getAsDouble() : null);
            s.put("ratio", i.ratio().isPresent() ? i.ratio().getAsDouble() : null);
            s.put("proposedReplicas", i.proposedReplicas().isPresent() ? i.proposedReplicas().getAsInt() : null);
            s.put("reporting", i.reporting());
            s.put("outcome", UpperCamelCase.of(i.outcome()));
            i.learned().ifPresent(c -> {
                // The learned SLO capacity behind a learned arrivals_ps target (policy.md, "Learned SLO capacity").
                Map<String, Object> l = new LinkedHashMap<>();
                l.put("requestsPerSecondPerReplica", c.perReplica());
                l.put("binding", UpperCamelCase.of(c.binding()));
                l.put("confidence", UpperCamelCase.of(c.confidence()));
                l.put("samples", c.samples());
                l.put("loadSeen", c.loadSeen());
                l.put("promptTokens", c.promptTokens());
                l.put("outputTokens", c.outputTokens());
                l.put("itlAtCapacity", c.itlAtCapacity());
                l.put("ttftAtCapacity", Double.isFinite(c.ttftAtCapacity()) ? c.ttftAtCapacity() : null);
                s.put("learned", l);
            });
            return s;
        }).toList();
    }
}
