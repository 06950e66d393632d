package dev.headroom.autoscaler.kubernetes;

import java.util.Objects;

/**
 * The object a policy scales: anything with a {@code scale} subresource, as an HPA's {@code scaleTargetRef}.
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
