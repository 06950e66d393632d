package dev.headroom.autoscaler.kubernetes;

import java.util.Objects;

/**
 * One workload: the {@code HeadroomPolicy} that scales it, by namespace and name.
 *
 * @param namespace the policy's namespace
 * @param name      the policy's {@code metadata.name}
 */
public record WorkloadKey(String namespace, String name) implements Comparable<WorkloadKey> {

    public WorkloadKey {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        if (namespace.isBlank() || name.isBlank()) {
            throw new IllegalArgumentException("a workload needs a namespace and a name, got '" + namespace + "/"
                    + name + "'");
        }
    }

    @Override
    public int compareTo(WorkloadKey o) {
        int c = namespace.compareTo(o.namespace);
        return c != 0 ? c : name.compareTo(o.name);
    }

    /** {@code namespace/name}: the key the policy remembers its history under. */
    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
