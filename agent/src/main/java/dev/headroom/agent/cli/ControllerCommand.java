package dev.headroom.agent.cli;

import dev.headroom.agent.controller.ControllerConfig;
import dev.headroom.agent.controller.ControllerRun;
import dev.headroom.agent.keda.KedaRole;
import dev.headroom.agent.controller.ControllerRuntime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Quarkus;
import org.eclipse.microprofile.config.ConfigProvider;
import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicy;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code headroom controller}: scale workloads by their HeadroomPolicies until stopped. */
@Command(name = "controller", mixinStandardHelpOptions = true,
        description = {"Scale workloads on their engines' saturation, as HeadroomPolicy resources say.",
                "Polls each target's sidecars (/v1/signals), decides as the HPA would, and acts by the policy's mode:"
                        + " Direct (scale subresource, leader only), DryRun, ExternalMetrics or KEDA. Serves"
                        + " /q/metrics; GET /v1/decisions on the KEDA scaler's TLS port, per client certificate, and on"
                        + " this port only with headroom.controller.decisions-on-http-port=true (no authentication).",
                "Configuration: headroom.controller.* or HEADROOM_CONTROLLER_* variables; the cluster from the"
                        + " in-cluster account or ~/.kube/config."})
public class ControllerCommand implements Callable<Integer> {

    // Injected when the application runs the command; null while the launcher only parses (CommandLines).
    @Inject
    ControllerRuntime runtime;
    @Inject
    ControllerConfig config;
    @Inject
    MeterRegistry registry;
    @Inject
    KedaRole keda;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // fabric8's own retries of 5xx answers are turned off: the actuator's backoff is the one in effect.
        KubernetesClient client = new KubernetesClientBuilder()
                .editOrNewConfig().withRequestRetryBackoffLimit(0).endConfig().build();
        checkCluster(client);
        runtime.started(ControllerRun.start(client, config, registry));
        ShutdownDeadline.install(ShutdownDeadline.DEFAULT);
        keda.startWithController();
        int port = ConfigProvider.getConfig().getValue("quarkus.http.port", Integer.class);
        System.out.printf("headroom controller watching %s; decisions %s%n",
                config.namespace().map(ns -> "namespace " + ns).orElse("every namespace"),
                config.decisionsOnHttpPort() ? "on http://localhost:" + port + "/v1/decisions"
                        : "on the KEDA scaler's TLS port (headroom.controller.decisions-on-http-port=true serves them"
                        + " on http://localhost:" + port + "/v1/decisions, unauthenticated)");
        Quarkus.waitForExit();
        return 0;
    }

    /**
     * Lists one HeadroomPolicy before anything starts, so that a missing cluster, missing credentials or a CRD that
     * is not installed is one clear line at once (exit status 1), not informers retrying in the background.
     */
    private void checkCluster(KubernetesClient client) {
        var policies = client.resources(HeadroomPolicy.class);
        try {
            (config.namespace().isPresent() ? policies.inNamespace(config.namespace().get()) : policies.inAnyNamespace())
                    .list(new ListOptionsBuilder().withLimit(1L).build());
        } catch (KubernetesClientException e) {
            String where = client.getMasterUrl() == null ? "the cluster" : client.getMasterUrl().toString();
            client.close();
            String why = e.getCode() == 404
                    ? "the HeadroomPolicy resource (headroom.dev/v1alpha1) is not installed: apply its CRD first"
                    : e.getCode() == 401 || e.getCode() == 403
                    ? "not allowed to list HeadroomPolicies (HTTP " + e.getCode() + "): see the RBAC in src/docs/controller.md"
                    : "cannot reach the Kubernetes API (" + rootCause(e) + "); run in a pod with a service account, or "
                    + "set KUBECONFIG (or ~/.kube/config) to a cluster";
            // A failure to run, not a mistake in the command line: one line and exit status 1 (CommandLines).
            throw new IllegalStateException(where + ": " + why);
        }
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
