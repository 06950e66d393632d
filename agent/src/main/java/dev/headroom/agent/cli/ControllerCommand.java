package dev.headroom.agent.cli;

import dev.headroom.agent.controller.ControllerConfig;
import dev.headroom.agent.controller.ControllerRun;
import dev.headroom.agent.controller.ControllerRuntime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Quarkus;
import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code headroom controller}: scale workloads by their HeadroomPolicies until stopped. */
@Command(name = "controller", mixinStandardHelpOptions = true,
        description = {"Scale workloads on their engines' saturation, as HeadroomPolicy resources say.",
                "Polls each target's sidecars (/v1/signals), decides as the HPA would, and acts by the policy's",
                "mode: direct (scale subresource, leader only), dry-run, external-metrics or keda.",
                "Serves GET /v1/decisions and /q/metrics. Configuration: headroom.controller.* or",
                "HEADROOM_CONTROLLER_* variables; the cluster from the in-cluster account or ~/.kube/config."})
public class ControllerCommand implements Callable<Integer> {

    private final ControllerRuntime runtime;
    private final ControllerConfig config;
    private final MeterRegistry registry;

    public ControllerCommand(ControllerRuntime runtime, ControllerConfig config, MeterRegistry registry) {
        this.runtime = runtime;
        this.config = config;
        this.registry = registry;
    }

    @Override
    public Integer call() {
        // fabric8's own retries of 5xx answers are turned off: the actuator's backoff is the one in effect.
        KubernetesClient client = new KubernetesClientBuilder()
                .editOrNewConfig().withRequestRetryBackoffLimit(0).endConfig().build();
        runtime.started(ControllerRun.start(client, config, registry));
        int port = ConfigProvider.getConfig().getValue("quarkus.http.port", Integer.class);
        System.out.printf("headroom controller watching %s; decisions on http://localhost:%d/v1/decisions%n",
                config.namespace().map(ns -> "namespace " + ns).orElse("every namespace"), port);
        Quarkus.waitForExit();
        return 0;
    }
}
