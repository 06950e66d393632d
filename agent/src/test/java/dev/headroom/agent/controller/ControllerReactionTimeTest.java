package dev.headroom.agent.controller;

import dev.headroom.autoscaler.kubernetes.ScaleSubresourceDispatcher;
import dev.headroom.autoscaler.kubernetes.Workloads;
import dev.headroom.autoscaler.kubernetes.Backoff;
import dev.headroom.autoscaler.kubernetes.DecisionListener;
import dev.headroom.autoscaler.kubernetes.EventRecorder;
import dev.headroom.autoscaler.kubernetes.HeadroomController;
import dev.headroom.autoscaler.kubernetes.KubernetesScaleActuator;
import dev.headroom.autoscaler.kubernetes.LeadershipCheck;
import dev.headroom.autoscaler.kubernetes.SidecarPoller;
import dev.headroom.autoscaler.kubernetes.WorkloadDecision;
import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicy;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.policy.DecisionReason;
import dev.headroom.autoscaler.policy.HpaCompatiblePolicy;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineServer;
import dev.headroom.simulator.ServerOptions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reaction time in {@code direct} mode, measured end to end on the wall clock: simulated engines on real ports,
 * each watched by the agent's monitor with production timing (1 s scrapes) behind a real {@code /v1/signals}, the
 * controller ticking every 1 s against a Kubernetes API server in CRUD mode, and a step in load (a burst of
 * requests into every engine). Reaction = from the step to the scale subresource's write arriving at the API
 * server. {@code -Dheadroom.reaction.trials=N} runs more trials (3 by default) and prints the distribution.
 */
class ControllerReactionTimeTest {

    static final int TRIALS = Integer.getInteger("headroom.reaction.trials", 3);
    static final Duration SCRAPE = Duration.parse("PT" + System.getProperty("headroom.reaction.scrape", "1s"));

    final ScaleSubresourceDispatcher dispatcher = new ScaleSubresourceDispatcher();
    final Map<String, Long> firstChangeDecided = new ConcurrentHashMap<>();
    final Map<String, WorkloadDecision> firstChange = new ConcurrentHashMap<>();
    final List<AutoCloseable> trial = new ArrayList<>();
    KubernetesMockServer server;
    KubernetesClient client;
    ExecutorService io;
    ScheduledExecutorService ticks;
    HeadroomController controller;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient(b -> b.editOrNewConfig().withRequestRetryBackoffLimit(0).endConfig());
        io = Executors.newFixedThreadPool(4);
        ticks = Executors.newSingleThreadScheduledExecutor();
        InstantSource clock = InstantSource.system();
        // The controller as `headroom controller` builds it (ControllerRun), with the production defaults.
        controller = new HeadroomController(client, HeadroomController.Settings.defaults(), clock,
                new HpaCompatiblePolicy(clock), new KubernetesScaleActuator(client, Backoff.defaults(), Backoff.Sleeper.REAL),
                new SidecarPoller(Duration.ofMillis(500), clock, io), LeadershipCheck.ALWAYS,
                new EventRecorder(client, clock, "reaction-test"), new DecisionListener() {
                    @Override
                    public void onDecision(WorkloadDecision d) {
                        if (d.decision().changes()) {
                            firstChangeDecided.putIfAbsent(d.key().namespace(), System.nanoTime());
                            firstChange.putIfAbsent(d.key().namespace(), d);
                        }
                    }
                });
        controller.start(ticks);
    }

    @AfterEach
    void stop() throws Exception {
        closeTrial();
        controller.close();
        ticks.shutdownNow();
        io.shutdownNow();
        client.close();
        server.destroy();
    }

    void closeTrial() throws Exception {
        for (AutoCloseable c : trial) {
            c.close();
        }
        trial.clear();
    }

    @Test
    void aStepInLoadIsPatchedOntoTheScaleSubresourceWithinTwoSeconds() throws Exception {
        List<Double> reactions = new ArrayList<>();
        List<Double> decisions = new ArrayList<>();
        for (int i = 0; i < TRIALS; i++) {
            String ns = "trial-" + i;
            List<EngineServer> engines = workload(ns, 2);
            await().atMost(Duration.ofSeconds(15)).until(() -> controller.latest(ns, "engine")
                    .filter(d -> d.decision().readyFresh() == 2 && !d.decision().changes())
                    .isPresent());
            assertThat(dispatcher.writes()).as("no write before the step").noneMatch(w -> w.parent().contains(ns));

            // The step lands at a different phase of the scrape and tick cycles in each trial, spread over one
            // second: right after a tick every time would measure only the slow end.
            Duration phase = Duration.ofMillis((long) ((i + 0.5) * 1000 / TRIALS));
            await().pollDelay(phase).atMost(phase.plusSeconds(1)).until(() -> true);
            long step = System.nanoTime();
            for (EngineServer engine : engines) {
                for (int r = 0; r < 40; r++) {
                    engine.submit(400, 200);
                }
            }
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> dispatcher.writes().stream().anyMatch(w -> w.parent().contains("/namespaces/" + ns + "/")));
            ScaleSubresourceDispatcher.ScaleWrite write = dispatcher.writes().stream()
                    .filter(w -> w.parent().contains("/namespaces/" + ns + "/")).findFirst().orElseThrow();
            assertThat(write.replicas()).isGreaterThan(2);
            // The listener hears of the decision just after the write it led to.
            await().atMost(Duration.ofSeconds(2)).until(() -> firstChange.containsKey(ns));
            WorkloadDecision d = firstChange.get(ns);
            assertThat(d.acted()).isTrue();
            assertThat(d.decision().desired()).isEqualTo(write.replicas());
            assertThat(d.decision().reason()).isIn(DecisionReason.SCALE_UP, DecisionReason.LIMITED_BY_RATE,
                    DecisionReason.AT_MAX);
            reactions.add((write.arrivedNanos() - step) / 1e9);
            decisions.add((firstChangeDecided.get(ns) - step) / 1e9);
            client.resources(HeadroomPolicy.class).inNamespace(ns).withName("engine").delete();
            closeTrial();
        }
        List<Double> sorted = reactions.stream().sorted().toList();
        double median = sorted.get(sorted.size() / 2);
        double max = sorted.get(sorted.size() - 1);
        System.out.printf(Locale.ROOT, "controller reaction, %d trials, sidecar scrape %s, controller tick 1 s: "
                        + "step → scale write median %.3f s, min %.3f s, max %.3f s; step → decision %s%n",
                TRIALS, SCRAPE, median, sorted.get(0), max,
                decisions.stream().map(x -> String.format(Locale.ROOT, "%.3f", x)).toList());
        // One scrape interval plus one tick at worst, plus milliseconds of polling and writing.
        assertThat(median).as("median reaction, s").isLessThanOrEqualTo(2.0);
        assertThat(max).as("slowest reaction, s").isLessThan(SCRAPE.toNanos() / 1e9 + 1.0 + 0.5);
    }

    /** Deployment {@code engine} with {@code n} replicas in {@code ns}, a pod per replica, its sidecar and engine. */
    List<EngineServer> workload(String ns, int n) throws Exception {
        Workloads.deployment(client, ns, "engine", n);
        List<EngineServer> engines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            EngineServer engine = EngineServer.start(EngineConfig.demo(), ServerOptions.defaults());
            trial.add(engine);
            engines.add(engine);
            HttpSidecar sidecar = new HttpSidecar(engine, SCRAPE);
            trial.add(0, sidecar);
            Workloads.pod(client, ns, "engine-" + i, "engine", sidecar.port(), true, Instant.now().minus(Duration.ofMinutes(5)));
        }
        Workloads.policy(client, ns, "engine",
                Workloads.spec("engine", ScalingMode.DIRECT, n, 8, Map.of("queue", 4.0, "kv_utilization", 0.8)));
        return engines;
    }
}
