package dev.headroom.autoscaler.kubernetes;

import java.util.Collection;
import java.util.Optional;

/**
 * The controller's latest decision per workload, read by whatever acts on it other than the controller itself
 * (the external metrics API, the KEDA scaler, {@code GET /v1/decisions}).
 *
 * <p>A workload is named by its {@code HeadroomPolicy}: namespace and the policy's {@code metadata.name}.
 * Implementations are thread-safe and answer from memory; nothing here blocks on Kubernetes or a sidecar.
 */
public interface DecisionBook {

    /** The latest decision for the policy {@code namespace/name}, empty before its first decision. */
    Optional<WorkloadDecision> latest(String namespace, String name);

    /** The latest decision of every workload the controller knows, sorted by namespace then name. */
    Collection<WorkloadDecision> all();
}
