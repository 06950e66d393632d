package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.kubernetes.crd.SignalSource;
import dev.headroom.autoscaler.policy.ReplicaReport;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A workload's pods as the policy sees them: one {@link ReplicaReport} per pod that counts. Which pods count and
 * which are ready are the HPA's rules (a terminating, {@code Failed} or {@code Succeeded} pod does not count; a
 * pod is ready when its {@code Ready} condition is {@code True} and it started at least {@code readinessDelay}
 * ago); a ready pod also needs an IP, since its sidecar is reached there. A pod that counts and is not ready is
 * capacity on its way ({@link ReplicaReport#notReady}) and is not polled.
 *
 * <p>Every ready pod's sidecar is polled at once through the {@link SidecarPoller}: a pod whose poll fails is
 * {@linkplain ReplicaReport#readyMissing missing}, never idle. The sidecar's port is the policy's, unless the
 * pod's {@value PolicySpecs#SIDECAR_PORT_ANNOTATION} annotation names a valid one.
 *
 * <p>With {@code source: engine} the ready pods' engines are scraped instead, through {@link EngineScrapes} (one
 * window per pod, kept there), at the policy's engine port, unless the pod's
 * {@value PolicySpecs#ENGINE_PORT_ANNOTATION} annotation names a valid one.
 *
 * <p>No state of its own; one call costs at most about one poll timeout, whatever the number of pods.
 */
final class PodReports {

    private final SidecarPoller poller;
    private final EngineScrapes engines;
    private final Duration readinessDelay;

    /**
     * @param poller         polls the ready pods' sidecars
     * @param engines        scrapes the ready pods' engines, for policies with {@code source: engine}
     * @param readinessDelay a Ready pod that started less than this ago is not ready yet (the HPA's 30 s)
     */
    PodReports(SidecarPoller poller, EngineScrapes engines, Duration readinessDelay) {
        this.poller = Objects.requireNonNull(poller, "poller");
        this.engines = Objects.requireNonNull(engines, "engines");
        this.readinessDelay = Objects.requireNonNull(readinessDelay, "readinessDelay");
    }

    /**
     * The reports of the policy's {@code pods} at {@code now}, read from the policy's source: the pods' sidecars,
     * or their engines ({@code source: engine}). Ordered as {@link #poll(Collection, int, String, Instant)}.
     */
    List<ReplicaReport> read(PolicySpecs.Resolved policy, Collection<Pod> pods, Instant now) {
        if (policy.source() != SignalSource.ENGINE) {
            engines.forget(policy.key());
            return poll(pods, policy.port(), policy.path(), now);
        }
        List<ReplicaReport> reports = new ArrayList<>();
        Map<String, URI> urls = readyUrls(pods, policy.port(), PolicySpecs.ENGINE_PORT_ANNOTATION, policy.path(),
                now, reports);
        engines.scrapeAll(policy.key(), urls).forEach((pod, signals) -> reports.add(ReplicaReport.ready(pod,
                signals)));
        return reports;
    }

    /**
     * The reports of {@code pods} at {@code now}: not-ready ones first, in the informer's order, then the polled
     * ones in the same order.
     *
     * @param port the policy's sidecar port, for pods without a valid port annotation
     * @param path the sidecar's signals path, e.g. {@code /v1/signals}
     */
    List<ReplicaReport> poll(Collection<Pod> pods, int port, String path, Instant now) {
        List<ReplicaReport> reports = new ArrayList<>();
        Map<String, URI> urls = readyUrls(pods, port, PolicySpecs.SIDECAR_PORT_ANNOTATION, path, now, reports);
        poller.pollAll(urls).forEach((pod, poll) -> reports.add(poll.signals()
                .map(s -> ReplicaReport.ready(pod, s))
                .orElseGet(() -> ReplicaReport.readyMissing(pod))));
        return reports;
    }

    /** The ready pods' URLs, in order; a pod that counts and is not ready is added to {@code notReady}. */
    private Map<String, URI> readyUrls(Collection<Pod> pods, int port, String annotation, String path, Instant now,
                                       List<ReplicaReport> notReady) {
        Map<String, URI> urls = new LinkedHashMap<>();
        for (Pod pod : pods) {
            if (!counts(pod)) {
                continue;
            }
            String name = pod.getMetadata().getName();
            String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
            if (!ready(pod, now) || ip == null || ip.isBlank()) {
                notReady.add(ReplicaReport.notReady(name));
                continue;
            }
            urls.put(name, sidecarUrl(ip, port(pod, annotation, port), path));
        }
        return urls;
    }

    /** Pods that are gone or going do not count at all, as in the HPA. */
    static boolean counts(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            return false;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return !"Failed".equals(phase) && !"Succeeded".equals(phase);
    }

    /** Ready: the Ready condition is True and the pod started at least {@code readinessDelay} before {@code now}. */
    boolean ready(Pod pod, Instant now) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return false;
        }
        boolean readyCondition = false;
        for (PodCondition c : pod.getStatus().getConditions()) {
            if ("Ready".equals(c.getType()) && "True".equals(c.getStatus())) {
                readyCondition = true;
            }
        }
        String started = pod.getStatus().getStartTime();
        if (!readyCondition || started == null) {
            return false;
        }
        try {
            return !Instant.parse(started).plus(readinessDelay).isAfter(now);
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** The pod's sidecar port: its annotation when that is a valid port, else {@code fallback}. */
    static int port(Pod pod, int fallback) {
        return port(pod, PolicySpecs.SIDECAR_PORT_ANNOTATION, fallback);
    }

    /** The pod's port: its {@code annotation} when that is a valid port, else {@code fallback}. */
    static int port(Pod pod, String annotation, int fallback) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String raw = annotations == null ? null : annotations.get(annotation);
        if (raw != null) {
            try {
                int p = Integer.parseInt(raw.trim());
                if (p >= 1 && p <= 65535) {
                    return p;
                }
            } catch (NumberFormatException ignored) {
                // A bad annotation falls back to the policy's port; the poll then shows what it reached.
            }
        }
        return fallback;
    }

    /** {@code http://ip:port/path}, an IPv6 address in brackets. */
    static URI sidecarUrl(String ip, int port, String path) {
        return URI.create("http://" + (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + port + path);
    }
}
