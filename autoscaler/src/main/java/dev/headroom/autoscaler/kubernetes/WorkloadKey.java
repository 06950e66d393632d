package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicy;

import java.nio.charset.StandardCharsets;
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

    /** The workload of a policy, by its metadata. */
    public static WorkloadKey of(HeadroomPolicy policy) {
        return new WorkloadKey(policy.getMetadata().getNamespace(), policy.getMetadata().getName());
    }

    /**
     * The shard of {@code shards} this workload falls in: 32-bit FNV-1a of {@code namespace/name} in UTF-8, taken
     * unsigned modulo {@code shards}. Fixed by this definition, not by the JVM, so that every controller of every
     * version (during a rolling update too) puts a workload in the same shard; changing it moves workloads between
     * controllers. FNV-1a spreads names that differ only in a suffix ({@code engine-0}, {@code engine-1}).
     */
    public int shard(int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1, got " + shards);
        }
        int h = 0x811c9dc5;
        for (byte b : toString().getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        return (int) (Integer.toUnsignedLong(h) % shards);
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
