package dev.headroom.agent.prometheus;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * fabric8's CRUD server, serving the {@code scale} subresource for reading ({@code GET .../scale} answers the
 * parent's {@code spec.replicas}) and refusing every write to it with 403 Forbidden, worded as the API server
 * words it when the controller's ServiceAccount lacks {@code update} on {@code deployments/scale}: the RBAC
 * mistake that leaves a controller deciding but unable to act.
 */
final class ForbiddenScaleDispatcher extends KubernetesCrudDispatcher {

    private final AtomicInteger refused = new AtomicInteger();

    /** Scale writes refused so far. */
    int refused() {
        return refused.get();
    }

    @Override
    public synchronized MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        int q = path.indexOf('?');
        String bare = q < 0 ? path : path.substring(0, q);
        if (!bare.endsWith("/scale")) {
            return super.dispatch(request);
        }
        String parent = bare.substring(0, bare.length() - "/scale".length());
        if (request.method() != HttpMethod.GET) {
            refused.incrementAndGet();
            String name = parent.substring(parent.lastIndexOf('/') + 1);
            return json(403, new StatusBuilder().withStatus("Failure").withCode(403).withReason("Forbidden")
                    .withMessage("deployments.apps \"" + name + "\" is forbidden: User "
                            + "\"system:serviceaccount:headroom:headroom-controller\" cannot update resource "
                            + "\"deployments/scale\" in API group \"apps\"").build());
        }
        MockResponse found = handleGet(parent);
        if (found.code() != 200) {
            return json(404, new StatusBuilder().withStatus("Failure").withCode(404).withReason("NotFound")
                    .withMessage(parent + " not found").build());
        }
        GenericKubernetesResource target = Serialization.unmarshal(found.getBody().readUtf8(), GenericKubernetesResource.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) target.getAdditionalProperties().get("spec");
        int replicas = spec != null && spec.get("replicas") instanceof Number n ? n.intValue() : 1;
        return json(200, new ScaleBuilder().withNewMetadata().withName(target.getMetadata().getName())
                .withNamespace(target.getMetadata().getNamespace())
                .withResourceVersion(target.getMetadata().getResourceVersion()).endMetadata()
                .withNewSpec().withReplicas(replicas).endSpec().withNewStatus().withReplicas(replicas).endStatus().build());
    }

    private static MockResponse json(int code, Object body) {
        return new MockResponse().setResponseCode(code).setBody(Serialization.asJson(body));
    }
}
