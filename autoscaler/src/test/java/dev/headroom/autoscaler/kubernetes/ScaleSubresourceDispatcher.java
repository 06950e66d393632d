package dev.headroom.autoscaler.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
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

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * fabric8's CRUD server plus the {@code scale} subresource as the API server serves it: {@code GET .../scale}
 * reads {@code spec.replicas} of the parent with its {@code resourceVersion}, and its {@code spec.selector}
 * serialized into {@code status.selector}; {@code PUT .../scale} with a
 * stale {@code resourceVersion} answers 409 Conflict, else sets {@code spec.replicas} on the stored parent.
 * A test can make another writer touch the target just before the next scale write (a real conflict), have the
 * next writes fail with a server error, or forbid writes as RBAC does; every applied write is logged with the
 * moment it arrived. Shared with the agent's tests through this module's test jar.
 */
public final class ScaleSubresourceDispatcher extends KubernetesCrudDispatcher {

    /** One scale write the server applied: the parent's path, the count written, and when it arrived. */
    public record ScaleWrite(String parent, int replicas, long arrivedNanos) {
    }

    /** One patch of a pod, as received: the pod's name and when it arrived (the body is left for the server). */
    public record PodPatch(String pod, long arrivedNanos) {
    }

    private final AtomicInteger concurrentWritesToCause = new AtomicInteger();
    private final AtomicInteger serverErrorsToCause = new AtomicInteger();
    private final AtomicInteger scaleWrites = new AtomicInteger();
    private final AtomicInteger conflictsAnswered = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final List<ScaleWrite> applied = new CopyOnWriteArrayList<>();
    private final List<PodPatch> podPatches = new CopyOnWriteArrayList<>();
    private volatile boolean forbidWrites;
    private final java.util.Set<String> podsForbiddenIn = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Before each of the next {@code n} scale writes, another writer updates the target. */
    public void touchTargetBeforeNextScaleWrites(int n) {
        concurrentWritesToCause.set(n);
    }

    /** The next {@code n} scale writes answer HTTP 500. */
    public void failNextScaleWrites(int n) {
        serverErrorsToCause.set(n);
    }

    /**
     * Every scale write answers 403 Forbidden, worded as the API server words it when the controller's
     * ServiceAccount lacks {@code update} on {@code deployments/scale}: deciding but unable to act.
     */
    public void forbidWrites() {
        forbidWrites = true;
    }

    /**
     * Listing and watching pods in {@code namespace} answers 403 Forbidden, as the API server does when the
     * controller's Role there lacks {@code pods}: a policy in that namespace cannot start its pod watch.
     */
    public void forbidPodsIn(String namespace) {
        podsForbiddenIn.add(namespace);
    }

    /** Scale writes received, applied or not. */
    public int scaleWrites() {
        return scaleWrites.get();
    }

    public int conflictsAnswered() {
        return conflictsAnswered.get();
    }

    /** Scale writes refused as forbidden. */
    public int refused() {
        return refused.get();
    }

    /** The scale writes the server applied, in arrival order. */
    public List<ScaleWrite> writes() {
        return List.copyOf(applied);
    }

    /** The pod patches received, in arrival order. */
    public List<PodPatch> podPatches() {
        return List.copyOf(podPatches);
    }

    @Override
    public synchronized MockResponse dispatch(RecordedRequest request) {
        long arrived = System.nanoTime();
        String path = request.getPath();
        int q = path.indexOf('?');
        String bare = q < 0 ? path : path.substring(0, q);
        for (String ns : podsForbiddenIn) {
            if (bare.equals("/api/v1/namespaces/" + ns + "/pods")) {
                return status(403, "Forbidden", "pods is forbidden: User "
                        + "\"system:serviceaccount:headroom:headroom-controller\" cannot list resource \"pods\" in "
                        + "API group \"\" in the namespace \"" + ns + "\"");
            }
        }
        if (request.method() == HttpMethod.PATCH && bare.matches("/api/v1/namespaces/[^/]+/pods/[^/]+")) {
            podPatches.add(new PodPatch(bare.substring(bare.lastIndexOf('/') + 1), arrived));
        }
        if (bare.endsWith("/scale")) {
            String parent = bare.substring(0, bare.length() - "/scale".length());
            if (request.method() == HttpMethod.GET) {
                return getScale(parent);
            }
            if (request.method() == HttpMethod.PUT) {
                return putScale(parent, request.getUtf8Body(), arrived);
            }
        }
        return super.dispatch(request);
    }

    private GenericKubernetesResource read(String parent) {
        MockResponse r = handleGet(parent);
        if (r.code() != 200) {
            return null;
        }
        return Serialization.unmarshal(r.getBody().readUtf8(), GenericKubernetesResource.class);
    }

    private MockResponse getScale(String parent) {
        GenericKubernetesResource target = read(parent);
        if (target == null) {
            return status(404, "NotFound", parent + " not found");
        }
        return json(200, scaleOf(target));
    }

    private MockResponse putScale(String parent, String body, long arrived) {
        scaleWrites.incrementAndGet();
        if (forbidWrites) {
            refused.incrementAndGet();
            String name = parent.substring(parent.lastIndexOf('/') + 1);
            return status(403, "Forbidden", "deployments.apps \"" + name + "\" is forbidden: User "
                    + "\"system:serviceaccount:headroom:headroom-controller\" cannot update resource "
                    + "\"deployments/scale\" in API group \"apps\"");
        }
        if (serverErrorsToCause.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return status(500, "InternalError", "etcd is having a bad day");
        }
        if (concurrentWritesToCause.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            GenericKubernetesResource other = read(parent);
            Map<String, String> annotations = other.getMetadata().getAnnotations() == null ? new LinkedHashMap<>()
                    : new LinkedHashMap<>(other.getMetadata().getAnnotations());
            annotations.put("touched-by", "another-writer-" + scaleWrites.get());
            other.getMetadata().setAnnotations(annotations);
            update(parent, other);
        }
        GenericKubernetesResource target = read(parent);
        if (target == null) {
            return status(404, "NotFound", parent + " not found");
        }
        Scale wanted = Serialization.unmarshal(body, Scale.class);
        String rv = wanted.getMetadata() == null ? null : wanted.getMetadata().getResourceVersion();
        if (rv != null && !rv.equals(target.getMetadata().getResourceVersion())) {
            conflictsAnswered.incrementAndGet();
            return status(409, "Conflict", "Operation cannot be fulfilled on " + parent
                    + ": the object has been modified; please apply your changes to the latest version and try again");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) target.getAdditionalProperties().get("spec");
        spec.put("replicas", wanted.getSpec().getReplicas());
        update(parent, target);
        applied.add(new ScaleWrite(parent, wanted.getSpec().getReplicas(), arrived));
        return json(200, scaleOf(read(parent)));
    }

    private void update(String parent, GenericKubernetesResource object) {
        Buffer buffer = new Buffer().writeUtf8(Serialization.asJson(object));
        Headers headers = Headers.builder().add("Content-Type", "application/json").build();
        MockResponse r = super.handleUpdate(new RecordedRequest("HTTP/1.1", HttpMethod.PUT, parent, headers, buffer));
        if (r.code() != 200) {
            throw new IllegalStateException("the CRUD server refused the update of " + parent + ": " + r.code());
        }
    }

    private static Scale scaleOf(GenericKubernetesResource target) {
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) target.getAdditionalProperties().get("spec");
        Object replicas = spec == null ? null : spec.get("replicas");
        int n = replicas instanceof Number num ? num.intValue() : 1;
        Object selector = spec == null ? null : spec.get("selector");
        String serialized = selector == null ? null
                : LabelSelectors.serialize(Serialization.unmarshal(Serialization.asJson(selector), LabelSelector.class));
        return new ScaleBuilder().withNewMetadata().withName(target.getMetadata().getName())
                .withNamespace(target.getMetadata().getNamespace())
                .withResourceVersion(target.getMetadata().getResourceVersion()).endMetadata()
                .withNewSpec().withReplicas(n).endSpec().withNewStatus().withReplicas(n).withSelector(serialized)
                .endStatus().build();
    }

    private static MockResponse json(int code, Object body) {
        return new MockResponse().setResponseCode(code).setBody(Serialization.asJson(body));
    }

    private static MockResponse status(int code, String reason, String message) {
        return json(code, new StatusBuilder().withStatus("Failure").withCode(code).withReason(reason)
                .withMessage(message).build());
    }
}
