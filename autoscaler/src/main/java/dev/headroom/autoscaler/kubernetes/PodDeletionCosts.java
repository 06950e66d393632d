package dev.headroom.autoscaler.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.autoscaler.loop.ScaleInMarks;
import dev.headroom.autoscaler.loop.ScaleInRanking;
import dev.headroom.autoscaler.loop.ScaleTarget;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.time.InstantSource;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes a {@link ScaleInRanking} where a ReplicaSet's controller reads it: each pod's
 * {@value #DELETION_COST} annotation (its rank, 0 for the emptiest), beside {@value #REASON}, which says why and
 * marks the pod as annotated by Headroom, so that only those pods are cleared again.
 *
 * <p>Kubernetes asks that the cost not be updated often ("such as updating it based on a metric value"): each
 * change is a pod update every watcher of pods receives. So a pod is patched only when its rank differs from the
 * cost it carries (the informer's copy), the controller marks only around a scale-in, and {@link #clear} removes
 * both annotations once the scale-in has settled or the policy is gone. One JSON merge patch per changed pod, no
 * read before it.
 *
 * <p>Only targets whose pods a ReplicaSet removes honour the cost: {@code apps/v1} Deployments (through their
 * ReplicaSet) and ReplicaSets. A StatefulSet removes its highest ordinal first and ignores the annotation; any
 * other kind is not known to read it. For those nothing is written and the marks say why.
 *
 * <p>Best effort, as the annotation itself is: a refused patch leaves Kubernetes' default order in place and
 * is reported in the marks, never thrown.
 */
final class PodDeletionCosts {

    /** Read by the ReplicaSet controller (Kubernetes ≥ 1.22, beta, on by default). Lower goes first. */
    static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";
    /** Why the pod has its cost; present only on pods Headroom annotated. */
    static final String REASON = "headroom.dev/pod-deletion-cost-reason";

    private static final Logger LOG = Logger.getLogger(PodDeletionCosts.class.getName());
    private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);
    /** Writes null map values, which a merge patch needs to remove a key. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final InstantSource clock;

    PodDeletionCosts(KubernetesClient client, InstantSource clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Why the target's own order applies instead of the costs; empty when it honours them. */
    static Optional<String> unsupported(ScaleTarget target) {
        boolean apps = target.apiVersion().equals("apps/v1");
        if (apps && (target.kind().equals("Deployment") || target.kind().equals("ReplicaSet"))) {
            return Optional.empty();
        }
        if (apps && target.kind().equals("StatefulSet")) {
            return Optional.of("a StatefulSet removes its highest ordinals first and ignores pod-deletion-cost");
        }
        return Optional.of(target.kind() + " (" + target.apiVersion() + ") is not known to honour pod-deletion-cost;"
                + " its own order applies");
    }

    /**
     * Puts {@code ranking} on {@code pods} (the workload's pods as the informer holds them) before {@code target}
     * goes from {@code from} to {@code to} replicas.
     */
    ScaleInMarks mark(ScaleTarget target, Collection<Pod> pods, ScaleInRanking ranking, int from, int to) {
        int removing = Math.max(0, from - to);
        Optional<String> unsupported = unsupported(target);
        if (unsupported.isPresent()) {
            return ScaleInMarks.notMarked(ranking, removing, unsupported.get());
        }
        if (ranking.isEmpty()) {
            return ScaleInMarks.notMarked(ranking, removing, "no pod reported; Kubernetes' default order applies");
        }
        Map<String, Pod> byName = new HashMap<>();
        for (Pod p : pods) {
            byName.put(p.getMetadata().getName(), p);
        }
        int patched = 0;
        String at = clock.instant().toString();
        int n = ranking.replicas().size();
        try {
            for (ScaleInRanking.RankedReplica r : ranking.replicas()) {
                Pod pod = byName.get(r.pod());
                if (pod == null) {
                    continue;
                }
                String cost = Integer.toString(r.cost());
                if (cost.equals(annotation(pod, DELETION_COST)) && annotation(pod, REASON) != null) {
                    continue;
                }
                Map<String, String> set = new LinkedHashMap<>();
                set.put(DELETION_COST, cost);
                set.put(REASON, "rank " + r.cost() + " of " + n + " at " + at + ": " + r.why());
                patch(target.namespace(), r.pod(), set);
                patched++;
            }
        } catch (KubernetesClientException e) {
            return ScaleInMarks.notMarked(ranking, removing, "could not set pod-deletion-cost (HTTP " + e.getCode()
                    + " " + e.getMessage() + "); Kubernetes' default order applies");
        }
        return new ScaleInMarks(ranking, removing, true, "pod-deletion-cost " + (patched == 0 ? "already current"
                : "set on " + patched + " of " + n + " pods"));
    }

    /** Removes both annotations from those of {@code pods} Headroom annotated; returns how many were patched. */
    int clear(String namespace, Collection<Pod> pods) {
        int cleared = 0;
        for (Pod pod : pods) {
            if (annotation(pod, REASON) == null || pod.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            Map<String, String> remove = new LinkedHashMap<>();
            remove.put(DELETION_COST, null);
            remove.put(REASON, null);
            try {
                patch(namespace, pod.getMetadata().getName(), remove);
                cleared++;
            } catch (KubernetesClientException e) {
                // Tried again on the next settled round, since the pod still carries the reason.
                LOG.log(Level.WARNING, "could not clear pod-deletion-cost of pod " + namespace + "/"
                        + pod.getMetadata().getName() + ": " + e.getMessage());
            }
        }
        return cleared;
    }

    /** Whether any of {@code pods} carries Headroom's marks. */
    static boolean anyMarked(Collection<Pod> pods) {
        for (Pod pod : pods) {
            if (annotation(pod, REASON) != null) {
                return true;
            }
        }
        return false;
    }

    private void patch(String namespace, String pod, Map<String, String> annotations) {
        // JSON merge patch: a null value removes the key (RFC 7386).
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("metadata", Map.of("annotations", annotations)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an annotation patch", e);
        }
        client.pods().inNamespace(namespace).withName(pod).patch(MERGE, body);
    }

    static String annotation(Pod pod, String key) {
        Map<String, String> a = pod.getMetadata().getAnnotations();
        return a == null ? null : a.get(key);
    }
}
