package dev.headroom.agent.controller.fleet;

import dev.headroom.autoscaler.kubernetes.PolicySpecs;
import dev.headroom.autoscaler.kubernetes.ScaleSubresourceDispatcher;
import dev.headroom.autoscaler.kubernetes.Workloads;
import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicySpec;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.kubernetes.crd.SignalSource;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A fleet of engine pods for one controller to follow: fabric8's Kubernetes server in CRUD mode (with the
 * {@code scale} subresource) holding {@code pods} ready pods, {@value #PODS_PER_WORKLOAD} per Deployment, each
 * Deployment under a {@code HeadroomPolicy} of its own, and the pods' endpoints on loopback ({@link PodEndpoints},
 * one server per {@value #PODS_PER_PORT} pods). Every pod is at 127.0.0.1 and names its server's port in the
 * annotation of the policy's source ({@code headroom.dev/sidecar-port} or {@code headroom.dev/engine-port}).
 *
 * <p>The pods started an hour ago and are Ready, so all of them are polled from the first tick. Their payloads do
 * not change: what is measured is the controller's cost of following them, not its decisions.
 */
public final class FleetFixture implements AutoCloseable {

    public static final String NAMESPACE = "fleet";
    public static final int PODS_PER_WORKLOAD = 20;
    public static final int PODS_PER_PORT = 50;

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final PodEndpoints endpoints;
    private final int pods;
    private final int workloads;

    private FleetFixture(int pods, SignalSource source, ScalingMode mode) throws IOException {
        if (pods < 1) {
            throw new IllegalArgumentException("a fleet needs pods, got " + pods);
        }
        this.pods = pods;
        this.workloads = (pods + PODS_PER_WORKLOAD - 1) / PODS_PER_WORKLOAD;
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new ScaleSubresourceDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient(b -> b.editOrNewConfig().withRequestRetryBackoffLimit(0).endConfig());
        PodEndpoints started = null;
        try {
            started = PodEndpoints.start((pods + PODS_PER_PORT - 1) / PODS_PER_PORT);
            endpoints = started;
            populate(source, mode);
        } catch (IOException | RuntimeException e) {
            if (started != null) {
                started.close();
            }
            client.close();
            server.destroy();
            throw e;
        }
    }

    /** Starts the API server and the endpoints, and creates the fleet's objects. */
    public static FleetFixture start(int pods, SignalSource source, ScalingMode mode) throws IOException {
        return new FleetFixture(pods, source, mode);
    }

    private void populate(SignalSource source, ScalingMode mode) {
        String annotation = source == SignalSource.ENGINE ? PolicySpecs.ENGINE_PORT_ANNOTATION
                : PolicySpecs.SIDECAR_PORT_ANNOTATION;
        String started = Instant.now().minusSeconds(3600).toString();
        for (int w = 0; w < workloads; w++) {
            String app = workloadName(w);
            int first = w * PODS_PER_WORKLOAD;
            int count = Math.min(PODS_PER_WORKLOAD, pods - first);
            Workloads.deployment(client, NAMESPACE, app, count);
            HeadroomPolicySpec spec = Workloads.spec(app, mode, 1, 4 * PODS_PER_WORKLOAD,
                    Map.of("kv_utilization", 0.8, "queue", 4.0));
            spec.source = source;
            if (source == SignalSource.ENGINE) {
                spec.engine = new HeadroomPolicySpec.EngineEndpoint();
            }
            Workloads.policy(client, NAMESPACE, app, spec);
            for (int i = first; i < first + count; i++) {
                int port = endpoints.port(i / PODS_PER_PORT);
                client.pods().inNamespace(NAMESPACE).resource(new PodBuilder().withNewMetadata()
                        .withName(app + "-" + (i - first)).withNamespace(NAMESPACE).addToLabels("app", app)
                        .addToAnnotations(annotation, Integer.toString(port)).endMetadata()
                        .withNewStatus().withPhase("Running").withPodIP("127.0.0.1").withStartTime(started)
                        .addNewCondition().withType("Ready").withStatus("True").endCondition()
                        .endStatus().build()).create();
            }
        }
    }

    static String workloadName(int index) {
        return String.format("engine-%04d", index);
    }

    /** A client of the API server, with fabric8's retries off as the controller's own. */
    public KubernetesClient client() {
        return client;
    }

    /** The API server's URL, for a controller in another process. */
    public String apiUrl() {
        return client.getMasterUrl().toString();
    }

    public int pods() {
        return pods;
    }

    public int workloads() {
        return workloads;
    }

    /** The port of the {@code index}-th loopback server. */
    public int portOf(int index) {
        return endpoints.port(index);
    }

    /** How many loopback servers answer for the pods. */
    public int ports() {
        return endpoints.ports();
    }

    /** Requests the pods' endpoints answered so far. */
    public long answered() {
        return endpoints.answered();
    }

    @Override
    public void close() {
        endpoints.close();
        client.close();
        server.destroy();
    }
}
