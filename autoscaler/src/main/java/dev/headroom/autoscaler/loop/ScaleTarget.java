package dev.headroom.autoscaler.loop;

import java.util.Objects;

/**
 * The object a policy scales, named as an HPA's {@code scaleTargetRef} names it: in a cluster anything with a
 * {@code scale} subresource; the evaluation and the demo name their stand-ins the same way, so one
 * {@link ScaleActuator} interface serves all three.
 *
 * @param apiVersion e.g. {@code apps/v1}
 * @param kind       e.g. {@code Deployment}
 * @param namespace  the namespace (the policy's)
 * @param name       the object's name
 */
public record ScaleTarget(String apiVersion, String kind, String namespace, String name) {

    public ScaleTarget {
        Objects.requireNonNull(apiVersion, "apiVersion");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        if (apiVersion.isBlank() || kind.isBlank() || namespace.isBlank() || name.isBlank()) {
            throw new IllegalArgumentException("a scale target needs apiVersion, kind, namespace and name, got "
                    + apiVersion + " " + kind + " " + namespace + "/" + name);
        }
    }

    @Override
    public String toString() {
        return kind + " " + namespace + "/" + name;
    }
}
