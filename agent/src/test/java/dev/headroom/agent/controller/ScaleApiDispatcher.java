package dev.headroom.agent.controller;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * fabric8's CRUD server plus the {@code scale} subresource as the API server serves it ({@code GET .../scale} reads
 * the parent's {@code spec.replicas} with its {@code resourceVersion}; {@code PUT .../scale} with a stale version
 * answers 409, else sets {@code spec.replicas}), and a record of every scale write with the moment it arrived.
 */
final class ScaleApiDispatcher extends KubernetesCrudDispatcher {

    /** One scale write that the server applied: the parent's path, the count written, and when it arrived. */
    record ScaleWrite(String parent, int replicas, long arrivedNanos) {
    }

    private final List<ScaleWrite> writes = new CopyOnWriteArrayList<>();

    List<ScaleWrite> writes() {
        return List.copyOf(writes);
    }

    @Override
    public synchronized MockResponse dispatch(RecordedRequest request) {
        long arrived = System.nanoTime();
        String path = request.getPath();
        int q = path.indexOf('?');
        String bare = q < 0 ? path : path.substring(0, q);
        if (bare.endsWith("/scale")) {
            String parent = bare.substring(0, bare.length() - "/scale".length());
            if (request.method() == HttpMethod.GET) {
                GenericKubernetesResource target = read(parent);
                return target == null ? status(404, "NotFound", parent + " not found") : json(200, scaleOf(target));
            }
            if (request.method() == HttpMethod.PUT) {
                return putScale(parent, request.getUtf8Body(), arrived);
            }
        }
        return super.dispatch(request);
    }

    private MockResponse putScale(String parent, String body, long arrived) {
        GenericKubernetesResource target = read(parent);
        if (target == null) {
            return status(404, "NotFound", parent + " not found");
        }
        Scale wanted = Serialization.unmarshal(body, Scale.class);
        String rv = wanted.getMetadata() == null ? null : wanted.getMetadata().getResourceVersion();
        if (rv != null && !rv.equals(target.getMetadata().getResourceVersion())) {
            return status(409, "Conflict", "the object has been modified");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) target.getAdditionalProperties().get("spec");
        spec.put("replicas", wanted.getSpec().getReplicas());
        Buffer buffer = new Buffer().writeUtf8(Serialization.asJson(target));
        Headers headers = Headers.builder().add("Content-Type", "application/json").build();
        MockResponse r = super.handleUpdate(new RecordedRequest("HTTP/1.1", HttpMethod.PUT, parent, headers, buffer));
        if (r.code() != 200) {
            return r;
        }
        writes.add(new ScaleWrite(parent, wanted.getSpec().getReplicas(), arrived));
        return json(200, scaleOf(read(parent)));
    }

    private GenericKubernetesResource read(String parent) {
        MockResponse r = handleGet(parent);
        return r.code() != 200 ? null : Serialization.unmarshal(r.getBody().readUtf8(), GenericKubernetesResource.class);
    }

    private static Scale scaleOf(GenericKubernetesResource target) {
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) target.getAdditionalProperties().get("spec");
        Object replicas = spec == null ? null : spec.get("replicas");
        int n = replicas instanceof Number num ? num.intValue() : 1;
        return new ScaleBuilder().withNewMetadata().withName(target.getMetadata().getName())
                .withNamespace(target.getMetadata().getNamespace())
                .withResourceVersion(target.getMetadata().getResourceVersion()).endMetadata()
                .withNewSpec().withReplicas(n).endSpec().withNewStatus().withReplicas(n).endStatus().build();
    }

    private static MockResponse json(int code, Object body) {
        return new MockResponse().setResponseCode(code).setBody(Serialization.asJson(body));
    }

    private static MockResponse status(int code, String reason, String message) {
        return json(code, new StatusBuilder().withStatus("Failure").withCode(code).withReason(reason)
                .withMessage(message).build());
    }
}
