package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.policy.HpaCompatiblePolicy;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/** The controller the CRUD-server tests drive: one namespace, 1 s ticks, always the leader, no listener. */
final class TestControllers {

    private TestControllers() {
    }

    /**
     * A controller over {@code namespace}, polling sidecars on {@code executor} with a 500 ms timeout, scaling
     * through the scale subresource without sleeping between retries; not yet watching.
     */
    static HeadroomController inNamespace(KubernetesClient client, String namespace, InstantSource clock,
                                          ExecutorService executor) {
        return new HeadroomController(client,
                new HeadroomController.Settings(Optional.of(namespace), Duration.ofSeconds(1), Duration.ofSeconds(5),
                        Duration.ofSeconds(30)),
                clock, new HpaCompatiblePolicy(clock),
                new KubernetesScaleActuator(client, Backoff.defaults(), d -> { }),
                new SidecarPoller(Duration.ofMillis(500), clock, executor), LeadershipCheck.ALWAYS,
                new EventRecorder(client, clock, "controller-0"), DecisionListener.NONE);
    }
}
