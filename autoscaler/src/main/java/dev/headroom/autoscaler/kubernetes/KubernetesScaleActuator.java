package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.loop.ScaleActuator;
import dev.headroom.autoscaler.loop.ScaleException;
import dev.headroom.autoscaler.loop.ScaleTarget;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Scalable;

import java.time.Duration;
import java.util.Objects;

/**
 * {@link ScaleActuator} over the {@code scale} subresource with fabric8: read the {@code Scale} (with its
 * {@code resourceVersion}), set {@code spec.replicas}, write it back. The write is optimistic: if anyone
 * changed the target in between, the API server answers 409 Conflict and the whole read-write is tried again
 * at once. Server errors (5xx, 429) and an unreachable API server are retried after a {@link Backoff}; other
 * client errors (403, 404, 422) are final. Deployments, StatefulSets and ReplicaSets go through the typed
 * clients; any other kind through the generic one (which finds its plural by discovery).
 */
public final class KubernetesScaleActuator implements ScaleActuator {

    private final KubernetesClient client;
    private final Backoff backoff;
    private final Backoff.Sleeper sleeper;

    public KubernetesScaleActuator(KubernetesClient client, Backoff backoff, Backoff.Sleeper sleeper) {
        this.client = Objects.requireNonNull(client, "client");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    @Override
    public int currentReplicas(ScaleTarget target) throws ScaleException {
        return run(target, -1).from();
    }

    @Override
    public Scaled scale(ScaleTarget target, int replicas) throws ScaleException {
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas cannot be negative, got " + replicas);
        }
        return run(target, replicas);
    }

    /** Reads (and with {@code replicas ≥ 0} writes) with retries. */
    private Scaled run(ScaleTarget target, int replicas) throws ScaleException {
        KubernetesClientException last = null;
        int waits = 0;
        for (int attempt = 1; attempt <= backoff.maxAttempts(); attempt++) {
            try {
                Scalable<?> resource = scalable(client, target);
                Scale scale = resource.scale();
                if (scale == null || scale.getSpec() == null) {
                    throw new ScaleException(ScaleException.Kind.NOT_FOUND, attempt, target + " has no scale", null);
                }
                int from = scale.getSpec().getReplicas() == null ? 0 : scale.getSpec().getReplicas();
                if (replicas < 0 || from == replicas) {
                    return new Scaled(from, replicas < 0 ? from : replicas, attempt);
                }
                scale.getSpec().setReplicas(replicas);
                resource.scale(scale);
                return new Scaled(from, replicas, attempt);
            } catch (KubernetesClientException e) {
                last = e;
                int code = e.getCode();
                if (code == 404) {
                    throw new ScaleException(ScaleException.Kind.NOT_FOUND, attempt, target + " not found", e);
                }
                if (code == 409) {
                    continue;
                }
                boolean transientError = code == 0 || code == 429 || code >= 500;
                if (!transientError) {
                    throw new ScaleException(ScaleException.Kind.REJECTED, attempt, target + ": HTTP " + code + " "
                            + e.getMessage(), e);
                }
                if (attempt < backoff.maxAttempts()) {
                    Duration wait = backoff.delay(++waits);
                    try {
                        sleeper.sleep(wait);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new ScaleException(ScaleException.Kind.INTERRUPTED, attempt, target
                                + ": interrupted while waiting to retry", ie);
                    }
                }
            }
        }
        throw new ScaleException(ScaleException.Kind.RETRIES_EXHAUSTED, backoff.maxAttempts(), target + ": "
                + backoff.maxAttempts() + " tries failed, last: HTTP " + last.getCode() + " " + last.getMessage(),
                last);
    }

    /** The target's scale subresource: typed clients for the apps kinds, the generic one for any other. */
    static Scalable<?> scalable(KubernetesClient client, ScaleTarget t) {
        boolean apps = t.apiVersion().equals("apps/v1");
        if (apps && t.kind().equals("Deployment")) {
            return client.apps().deployments().inNamespace(t.namespace()).withName(t.name());
        }
        if (apps && t.kind().equals("StatefulSet")) {
            return client.apps().statefulSets().inNamespace(t.namespace()).withName(t.name());
        }
        if (apps && t.kind().equals("ReplicaSet")) {
            return client.apps().replicaSets().inNamespace(t.namespace()).withName(t.name());
        }
        return client.genericKubernetesResources(t.apiVersion(), t.kind()).inNamespace(t.namespace())
                .withName(t.name());
    }
}
