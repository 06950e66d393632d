package dev.headroom.agent.otel;

import dev.headroom.agent.otel.ReceivedExport.Point;
import dev.headroom.agent.sidecar.SidecarConfig;
import dev.headroom.agent.sidecar.SidecarRuntime;
import dev.headroom.agent.sidecar.SidecarSettings;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * OTLP over gRPC to a real receiver: the same instruments arrive through the {@code MetricsService/Export}
 * call, with the configured headers and resource. The engine here is unreachable, so the export must say
 * so (up 0, stale 1) and carry no signal values and no GenAI histogram at all: unknown is absent, never 0.
 */
@QuarkusTest
@WithTestResource(OtlpGrpcReceiverResource.class)
class OtlpGrpcExportTest {

    @Inject
    SidecarRuntime sidecar;

    @Inject
    SidecarConfig config;

    OtlpGrpcReceiver receiver;

    @Test
    void anUnreachableEngineIsExportedOverGrpcAsDownAndStaleWithNoSignalValuesNorHistograms() throws Exception {
        URI nowhere = URI.create("http://127.0.0.1:" + freePort() + "/metrics");
        sidecar.start(SidecarSettings.from(config, nowhere).withScrapeInterval(Duration.ofMillis(200)));

        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> {
            List<ReceivedExport> all = receiver.received();
            assertThat(all).isNotEmpty();
            ReceivedExport last = all.get(all.size() - 1);
            assertThat(last.path()).isEqualTo(OtlpGrpcReceiver.EXPORT_METHOD);
            assertThat(last.headers()).containsEntry("x-scope-orgid", "team-a")
                    .containsEntry("content-type", "application/grpc");
            List<Point> points = last.points();
            assertThat(value(points, OtlpMetric.ENGINE_UP.name())).isEqualTo(0.0);
            assertThat(value(points, OtlpMetric.SIGNALS_STALE.name())).isEqualTo(1.0);
            Point unreachable = points.stream().filter(p -> p.name().equals(OtlpMetric.SCRAPES.name())
                    && "unreachable".equals(p.attributes().get(OtlpMetric.ATTR_OUTCOME))).findFirst().orElseThrow();
            assertThat(unreachable.value()).isPositive();
            assertThat(unreachable.resource()).containsEntry("service.name", "headroom-sidecar-grpc")
                    .containsEntry("k8s.pod.name", "llm-1")
                    .containsEntry("k8s.namespace.name", "inference")
                    .containsEntry(OtlpMetric.ATTR_MODEL, "served-model");
            assertThat(points).extracting(Point::name)
                    .doesNotContain("headroom.queue.requests", "headroom.kv_cache.utilization",
                            OtlpMetric.SATURATION_COMPOSITE.name(), OtlpMetric.ENGINE_INFO.name());
            // No engine histogram was ever read: no GenAI histogram is sent, not even an empty or zero one.
            assertThat(last.histograms()).isEmpty();
            assertThat(last.metricNames()).isNotEmpty().noneMatch(n -> n.startsWith("gen_ai."));
        });
    }

    private static double value(List<Point> points, String name) {
        return points.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow().value();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
