package dev.headroom.agent.keda;

import dev.headroom.agent.external.ReplicaSignal;
import dev.headroom.agent.keda.externalscaler.ScaledObjectRef;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a KEDA {@code external} trigger asks Headroom for, read from its {@code ScaledObjectRef}: the
 * {@code HeadroomPolicy} (namespace of the {@code ScaledObject}, {@code workload} key, default the
 * {@code ScaledObject}'s name) and which replica count ({@code metric} key: {@code desired}, the default, or
 * {@code recommended}). Other metadata keys ({@code scalerAddress}, KEDA's TLS keys) are KEDA's and ignored.
 *
 * @param namespace the policy's namespace
 * @param workload  the policy's name
 * @param signal    the replica count served
 */
public record KedaTrigger(String namespace, String workload, ReplicaSignal signal) {

    /** The metadata key naming the {@code HeadroomPolicy}. */
    public static final String WORKLOAD_KEY = "workload";
    /** The metadata key choosing the replica count: {@code desired} or {@code recommended}. */
    public static final String METRIC_KEY = "metric";

    public KedaTrigger {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(signal, "signal");
    }

    /** Metadata that does not name a workload or names an unknown metric; every problem in one message. */
    public static final class InvalidTriggerException extends Exception {
        public InvalidTriggerException(String message) {
            super(message);
        }
    }

    /** Reads a trigger; collects every problem before failing. */
    public static KedaTrigger of(ScaledObjectRef ref) throws InvalidTriggerException {
        List<String> problems = new ArrayList<>();
        Map<String, String> metadata = ref.getScalerMetadataMap();
        if (ref.getNamespace().isBlank()) {
            problems.add("the ScaledObjectRef has no namespace");
        }
        String workload = metadata.getOrDefault(WORKLOAD_KEY, ref.getName()).trim();
        if (workload.isEmpty()) {
            problems.add("no workload: set the trigger's metadata '" + WORKLOAD_KEY
                    + "' to the HeadroomPolicy's name");
        }
        String metric = metadata.getOrDefault(METRIC_KEY, "desired").trim();
        var signal = ReplicaSignal.ofKey(metric);
        if (signal.isEmpty()) {
            problems.add("metadata '" + METRIC_KEY + "': '" + metric + "' is not desired or recommended");
        }
        if (!problems.isEmpty()) {
            throw new InvalidTriggerException("KEDA trigger of ScaledObject " + ref.getNamespace() + "/"
                    + ref.getName() + ": " + String.join("; ", problems));
        }
        return new KedaTrigger(ref.getNamespace(), workload, signal.get());
    }
}
