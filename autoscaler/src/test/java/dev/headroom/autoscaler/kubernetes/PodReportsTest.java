package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.policy.ReplicaReport;
import dev.headroom.signals.ManualClock;
import dev.headroom.signals.Signal;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Which pods count, which are ready, where their sidecars are: pods as the API server would hand them, real sidecars. */
class PodReportsTest {

    static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    static final Duration READINESS_DELAY = Duration.ofSeconds(30);

    final ManualClock clock = new ManualClock(NOW);
    ExecutorService executor;
    SidecarStandIn sidecar;
    EngineScrapes engines;
    PodReports reports;

    @BeforeEach
    void start() throws Exception {
        executor = Executors.newFixedThreadPool(2);
        sidecar = new SidecarStandIn();
        sidecar.serve(Map.of(Signal.QUEUE, 3.0));
        engines = EngineScrapes.defaults(Duration.ofSeconds(1), Duration.ofMillis(500), clock);
        reports = new PodReports(new SidecarPoller(Duration.ofMillis(500), clock, executor), engines, READINESS_DELAY);
    }

    @AfterEach
    void stop() {
        sidecar.close();
        engines.close();
        executor.shutdownNow();
    }

    /** A Running pod at 127.0.0.1 whose sidecar port annotation is {@code port} (none when null). */
    static PodBuilder pod(String name, String port, boolean ready, Duration startedAgo) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace("llm").endMetadata()
                .withNewStatus().withPhase("Running").withPodIP("127.0.0.1")
                .withStartTime(NOW.minus(startedAgo).toString())
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .endStatus();
        if (port != null) {
            b.editMetadata().addToAnnotations(PolicySpecs.SIDECAR_PORT_ANNOTATION, port).endMetadata();
        }
        return b;
    }

    Pod serving(String name) {
        return pod(name, Integer.toString(sidecar.port()), true, Duration.ofMinutes(5)).build();
    }

    @Test
    void aReadyPodIsPolledAndAPodNotReadyIsCapacityOnItsWay() {
        List<ReplicaReport> out = reports.poll(List.of(serving("a"),
                pod("b", Integer.toString(sidecar.port()), false, Duration.ofMinutes(5)).build()), 1, "/v1/signals", NOW);

        assertThat(out).extracting(ReplicaReport::pod, ReplicaReport::ready)
                .containsExactly(tuple("b", false),
                        tuple("a", true));
        assertThat(out.get(1).signals()).hasValueSatisfying(s -> assertThat(s.get(Signal.QUEUE)).hasValue(3.0));
        assertThat(out.get(0).signals()).isEmpty();
    }

    @Test
    void aReadyPodStartedWithinTheReadinessDelayIsNotReadyYet() {
        String port = Integer.toString(sidecar.port());
        List<ReplicaReport> out = reports.poll(List.of(
                pod("young", port, true, READINESS_DELAY.minusSeconds(1)).build(),
                pod("of-age", port, true, READINESS_DELAY).build()), 1, "/v1/signals", NOW);

        assertThat(out).extracting(ReplicaReport::pod, ReplicaReport::ready)
                .containsExactly(tuple("young", false),
                        tuple("of-age", true));
    }

    @Test
    void terminatingFailedAndSucceededPodsDoNotCountAtAll() {
        String port = Integer.toString(sidecar.port());
        Pod terminating = pod("terminating", port, true, Duration.ofMinutes(5)).editMetadata()
                .withDeletionTimestamp(NOW.toString()).endMetadata().build();
        Pod failed = pod("failed", port, true, Duration.ofMinutes(5)).editStatus().withPhase("Failed").endStatus().build();
        Pod succeeded = pod("succeeded", port, false, Duration.ofMinutes(5)).editStatus().withPhase("Succeeded")
                .endStatus().build();

        assertThat(reports.poll(List.of(terminating, failed, succeeded, serving("a")), 1, "/v1/signals", NOW))
                .extracting(ReplicaReport::pod).containsExactly("a");
    }

    @Test
    void aReadyPodWithoutAnIpOrStartTimeIsNotPolled() {
        String port = Integer.toString(sidecar.port());
        Pod noIp = pod("no-ip", port, true, Duration.ofMinutes(5)).editStatus().withPodIP(null).endStatus().build();
        Pod noStart = pod("no-start", port, true, Duration.ofMinutes(5)).editStatus().withStartTime(null).endStatus()
                .build();
        Pod badStart = pod("bad-start", port, true, Duration.ofMinutes(5)).editStatus().withStartTime("yesterday")
                .endStatus().build();

        assertThat(reports.poll(List.of(noIp, noStart, badStart), 1, "/v1/signals", NOW))
                .allSatisfy(r -> assertThat(r.ready()).isFalse()).hasSize(3);
    }

    @Test
    void aSidecarThatDoesNotAnswerIsMissingNeverIdle() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        List<ReplicaReport> out = reports.poll(List.of(pod("silent", Integer.toString(closed), true,
                Duration.ofMinutes(5)).build()), 1, "/v1/signals", NOW);

        assertThat(out).containsExactly(ReplicaReport.readyMissing("silent"));
    }

    @Test
    void thePortAnnotationOverridesThePolicysPortUnlessItIsNotAPort() {
        Pod annotated = pod("annotated", "9100", true, Duration.ofMinutes(5)).build();
        Pod plain = pod("plain", null, true, Duration.ofMinutes(5)).build();
        Pod garbled = pod("garbled", "http", true, Duration.ofMinutes(5)).build();
        Pod outOfRange = pod("out-of-range", "70000", true, Duration.ofMinutes(5)).build();

        assertThat(PodReports.port(annotated, 8480)).isEqualTo(9100);
        assertThat(PodReports.port(plain, 8480)).isEqualTo(8480);
        assertThat(PodReports.port(garbled, 8480)).isEqualTo(8480);
        assertThat(PodReports.port(outOfRange, 8480)).isEqualTo(8480);
    }

    @Test
    void anIpv6PodIpIsBracketedInTheSidecarUrl() {
        assertThat(PodReports.sidecarUrl("10.1.2.3", 8480, "/v1/signals"))
                .isEqualTo(URI.create("http://10.1.2.3:8480/v1/signals"));
        assertThat(PodReports.sidecarUrl("fd00::12", 8480, "/v1/signals"))
                .isEqualTo(URI.create("http://[fd00::12]:8480/v1/signals"));
    }
}
