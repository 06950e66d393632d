package dev.headroom.autoscaler.policy;

import dev.headroom.signals.Signals;

import java.util.Objects;
import java.util.Optional;

/**
 * What the controller knows about one pod of a workload at one poll.
 *
 * <p>{@code ready} is the caller's verdict from Kubernetes: the pod is Ready and did not start within the last
 * 30 s (the HPA's initialisation rule). A pod loading its weights is not ready; its signals, if any, are
 * ignored: it is capacity on its way. {@code signals} is empty when the pod's sidecar could not be read
 * (timeout, refused, bad JSON): missing, never zero.
 *
 * @param pod     the pod name, unique within the workload
 * @param ready   whether the pod counts as serving capacity now
 * @param signals the pod's signals as last read, empty when missing
 */
public record ReplicaReport(String pod, boolean ready, Optional<Signals> signals) {

    public ReplicaReport {
        Objects.requireNonNull(pod, "pod");
        Objects.requireNonNull(signals, "signals (use Optional.empty() for missing)");
        if (pod.isBlank()) {
            throw new IllegalArgumentException("a replica report needs a pod name");
        }
    }

    /** A ready pod whose sidecar answered with {@code signals} (which may themselves be stale). */
    public static ReplicaReport ready(String pod, Signals signals) {
        return new ReplicaReport(pod, true, Optional.of(Objects.requireNonNull(signals, "signals")));
    }

    /** A ready pod whose sidecar could not be read. */
    public static ReplicaReport readyMissing(String pod) {
        return new ReplicaReport(pod, true, Optional.empty());
    }

    /** A pod not yet ready (loading weights, or started within the last 30 s). */
    public static ReplicaReport notReady(String pod) {
        return new ReplicaReport(pod, false, Optional.empty());
    }
}
