package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicySpec;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.kubernetes.crd.SignalSource;
import dev.headroom.autoscaler.policy.HpaCompatiblePolicy;
import dev.headroom.autoscaler.policy.ReplicaReport;
import dev.headroom.signals.Signal;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineServer;
import dev.headroom.simulator.ServerOptions;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code source: engine} end to end, without any sidecar: simulated vLLM engines on real ports serve their own
 * {@code /metrics}, the pods point at them by {@value PolicySpecs#ENGINE_PORT_ANNOTATION}, and the controller (as
 * {@code headroom controller} builds it, 1 s ticks on the wall clock) scrapes them itself and scales the Deployment
 * through the scale subresource of a Kubernetes API server in CRUD mode when load arrives.
 */
class DirectSourceEndToEndTest {

    static final String NS = "llm";

    final ScaleSubresourceDispatcher dispatcher = new ScaleSubresourceDispatcher();
    final Map<String, List<ReplicaReport>> lastReports = new ConcurrentHashMap<>();
    final List<EngineServer> engines = new ArrayList<>();
    KubernetesMockServer server;
    KubernetesClient client;
    ExecutorService io;
    ScheduledExecutorService ticks;
    HeadroomController controller;
    int refusedPort;

    @BeforeEach
    void start() throws Exception {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient(b -> b.editOrNewConfig().withRequestRetryBackoffLimit(0).endConfig());
        io = Executors.newFixedThreadPool(4);
        ticks = Executors.newSingleThreadScheduledExecutor();
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refusedPort = s.getLocalPort();
        }
        InstantSource clock = InstantSource.system();
        HeadroomController.Settings settings = HeadroomController.Settings.defaults();
        controller = new HeadroomController(client, settings, clock, new HpaCompatiblePolicy(clock),
                new KubernetesScaleActuator(client, Backoff.defaults(), Backoff.Sleeper.REAL),
                new SidecarPoller(Duration.ofMillis(500), clock, io, SidecarPoller.DEFAULT_CLIENTS),
                EngineScrapes.defaults(settings.interval(), Duration.ofMillis(500), clock),
                HeadroomController.DEFAULT_PARALLELISM, LeadershipCheck.ALWAYS, WorkloadOwnership.ALL,
                new EventRecorder(client, clock, "direct-source-test"), new DecisionListener() {
                    @Override
                    public void onDecision(WorkloadDecision d) {
                    }

                    @Override
                    public void onReports(WorkloadKey key, Instant at, List<ReplicaReport> reports) {
                        lastReports.put(key.name(), reports);
                    }
                });
        controller.start(ticks);
    }

    @AfterEach
    void stop() {
        controller.close();
        ticks.shutdownNow();
        io.shutdownNow();
        engines.forEach(EngineServer::close);
        client.close();
        server.destroy();
    }

    @Test
    void theControllerScrapesTheEnginesItselfAndScalesUpWhenLoadArrives() throws Exception {
        Workloads.deployment(client, NS, "engine", 2);
        for (int i = 0; i < 2; i++) {
            EngineServer engine = EngineServer.start(EngineConfig.demo(), ServerOptions.defaults());
            engines.add(engine);
            enginePod("engine-" + i, engine.port());
        }
        HeadroomPolicySpec spec = Workloads.spec("engine", ScalingMode.DIRECT, 2, 8,
                Map.of("queue", 4.0, "kv_utilization", 0.8));
        spec.source = SignalSource.ENGINE;
        spec.engine = new HeadroomPolicySpec.EngineEndpoint();
        spec.engine.path = "/metrics"; // the port: each pod's annotation
        Workloads.policy(client, NS, "engine", spec);

        // Quiet: both engines read by the controller (vLLM detected, the window's signals fresh), no change.
        await().atMost(Duration.ofSeconds(15)).until(() -> controller.latest(NS, "engine")
                .filter(d -> d.decision().readyFresh() == 2 && !d.decision().changes()).isPresent());
        List<ReplicaReport> quiet = lastReports.get("engine");
        assertThat(quiet).hasSize(2).allSatisfy(r -> {
            assertThat(r.signals()).isPresent();
            assertThat(r.signals().get().engine().dialect()).startsWith("vllm");
            assertThat(r.signals().get().stale()).isFalse();
            assertThat(r.signals().get().get(Signal.QUEUE)).hasValue(0.0);
        });
        assertThat(dispatcher.writes()).isEmpty();

        for (EngineServer engine : engines) {
            for (int r = 0; r < 40; r++) {
                engine.submit(400, 200);
            }
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> !dispatcher.writes().isEmpty());
        assertThat(dispatcher.writes().get(0).replicas()).isGreaterThan(2);
        assertThat(controller.latest(NS, "engine")).hasValueSatisfying(d ->
                assertThat(d.decision().dominant()).isPresent());
    }

    @Test
    void anEngineThatDoesNotAnswerIsMissingDataNeverIdle() throws Exception {
        Workloads.deployment(client, NS, "engine", 2);
        EngineServer engine = EngineServer.start(EngineConfig.demo(), ServerOptions.defaults());
        engines.add(engine);
        enginePod("engine-0", engine.port());
        enginePod("engine-1", refusedPort);
        HeadroomPolicySpec spec = Workloads.spec("engine", ScalingMode.DIRECT, 1, 8, Map.of("queue", 4.0));
        spec.source = SignalSource.ENGINE;
        Workloads.policy(client, NS, "engine", spec);

        await().atMost(Duration.ofSeconds(15)).until(() -> controller.latest(NS, "engine")
                .filter(d -> d.decision().readyFresh() == 1).isPresent());
        assertThat(controller.latest(NS, "engine")).hasValueSatisfying(d -> {
            assertThat(d.decision().readyMissing()).isEqualTo(1);
            // Half the pods say nothing: no scale-down on that, whatever the other one reads.
            assertThat(d.decision().desired()).isGreaterThanOrEqualTo(2);
        });
        Optional<ReplicaReport> refused = lastReports.get("engine").stream()
                .filter(r -> r.pod().equals("engine-1")).findFirst();
        assertThat(refused).hasValueSatisfying(r -> assertThat(r.signals().get().stale()).isTrue());
        assertThat(dispatcher.writes()).isEmpty();
    }

    /** A ready pod of the workload at 127.0.0.1 whose engine serves /metrics on {@code port}; no sidecar. */
    void enginePod(String name, int port) {
        client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(NS)
                .addToLabels("app", "engine")
                .addToAnnotations(PolicySpecs.ENGINE_PORT_ANNOTATION, Integer.toString(port)).endMetadata()
                .withNewStatus().withPhase("Running").withPodIP("127.0.0.1")
                .withStartTime(Instant.now().minus(Duration.ofMinutes(5)).toString())
                .addNewCondition().withType("Ready").withStatus("True").endCondition()
                .endStatus().build()).create();
    }
}
