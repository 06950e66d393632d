package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.loop.ScaleException;
import dev.headroom.autoscaler.loop.ScaleTarget;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.Objects;
import java.util.Optional;

/**
 * {@link TargetSelectors} as the HPA does it: the target's {@code scale} subresource, whose {@code status.selector}
 * the API server fills with the target's serialized selector (for a custom resource, from the CRD's
 * {@code labelSelectorPath}). Needs only the {@code get} on {@code <kind>/scale} the controller already has.
 *
 * <p>When the scale carries no selector, the target object's own {@code spec.selector} is read instead. A real API
 * server fills {@code status.selector} for Deployments, StatefulSets and ReplicaSets, so there this is the custom
 * resource without a {@code labelSelectorPath}; but fabric8's Kubernetes server in CRUD mode, which the tests run
 * against, does not serve the subresource at all: it answers {@code GET .../scale} with the parent object, whose
 * status has no selector. Reading {@code spec.selector} covers both; where RBAC forbids reading the object, the
 * answer is "no selector", and the policy says to name one.
 */
final class ScaleSubresourceSelectors implements TargetSelectors {

    private final KubernetesClient client;

    ScaleSubresourceSelectors(KubernetesClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public Optional<String> selectorOf(ScaleTarget target) throws ScaleException {
        Scale scale;
        try {
            scale = KubernetesScaleActuator.scalable(client, target).scale();
        } catch (KubernetesClientException e) {
            ScaleException.Kind kind = e.getCode() == 404 ? ScaleException.Kind.NOT_FOUND
                    : ScaleException.Kind.REJECTED;
            throw new ScaleException(kind, 1, target + ": HTTP " + e.getCode() + " " + e.getMessage(), e);
        }
        if (scale == null) {
            throw new ScaleException(ScaleException.Kind.NOT_FOUND, 1, target + " has no scale", null);
        }
        String fromScale = scale.getStatus() == null ? null : scale.getStatus().getSelector();
        if (fromScale != null && !fromScale.isBlank()) {
            return Optional.of(fromScale);
        }
        return specSelector(target).filter(s -> !LabelSelectors.isEmpty(s)).map(LabelSelectors::serialize);
    }

    /** The target object's {@code spec.selector}; empty when it has none or cannot be read. */
    private Optional<LabelSelector> specSelector(ScaleTarget t) {
        try {
            if (t.apiVersion().equals("apps/v1")) {
                switch (t.kind()) {
                    case "Deployment" -> {
                        Deployment d = client.apps().deployments().inNamespace(t.namespace()).withName(t.name()).get();
                        return Optional.ofNullable(d).map(o -> o.getSpec() == null ? null : o.getSpec().getSelector());
                    }
                    case "StatefulSet" -> {
                        StatefulSet s = client.apps().statefulSets().inNamespace(t.namespace()).withName(t.name())
                                .get();
                        return Optional.ofNullable(s).map(o -> o.getSpec() == null ? null : o.getSpec().getSelector());
                    }
                    case "ReplicaSet" -> {
                        ReplicaSet r = client.apps().replicaSets().inNamespace(t.namespace()).withName(t.name()).get();
                        return Optional.ofNullable(r).map(o -> o.getSpec() == null ? null : o.getSpec().getSelector());
                    }
                    default -> {
                        // any other kind of apps/v1: read generically below
                    }
                }
            }
            GenericKubernetesResource o = client.genericKubernetesResources(t.apiVersion(), t.kind())
                    .inNamespace(t.namespace()).withName(t.name()).get();
            Object selector = o == null ? null : o.get("spec", "selector");
            return selector instanceof java.util.Map<?, ?> map
                    ? Optional.of(client.getKubernetesSerialization().convertValue(map, LabelSelector.class))
                    : Optional.empty();
        } catch (KubernetesClientException e) {
            // Forbidden (the controller may get only <kind>/scale) or gone: no selector to be had.
            return Optional.empty();
        }
    }
}
