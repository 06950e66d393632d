package dev.headroom.agent.otel;

import dev.headroom.agent.sidecar.ExportedMetric;
import dev.headroom.agent.sidecar.SidecarRuntime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Configured only through the standard {@code OTEL_*} variables (an environment map, as the OpenTelemetry
 * Operator would inject), the export reaches a real OTLP/HTTP receiver on loopback at the base endpoint plus
 * {@code /v1/metrics}, with the headers, service name and resource attributes those variables give.
 */
class OtlpEnvironmentExportTest {

    @Test
    void operatorInjectedVariablesAloneConfigureAWorkingExport() throws Exception {
        try (OtlpHttpReceiver receiver = new OtlpHttpReceiver()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            registry.counter(ExportedMetric.SCRAPES, "outcome", "success").increment(3);
            OtelEnvironment env = OtelEnvironment.from(Map.of(
                    "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                    "OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20from-env",
                    "OTEL_METRIC_EXPORT_INTERVAL", "100",
                    "OTEL_SERVICE_NAME", "env-sidecar",
                    "OTEL_RESOURCE_ATTRIBUTES", "k8s.cluster.name=loopback"));
            // Nothing set under headroom.otlp.*: not even enabled, which the endpoint variable turns on.
            OtlpSignalExport export = new OtlpSignalExport(OtlpSettingsTest.Config.defaults(), env,
                    new SidecarRuntime(registry), registry);
            try {
                assertThat(export.exporting()).isTrue();
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
                    ReceivedExport got = receiver.received().stream()
                            .filter(e -> e.metricNames().contains(OtlpMetric.SCRAPES.name()))
                            .findFirst().orElseThrow();
                    assertThat(got.path()).isEqualTo("/v1/metrics");
                    assertThat(got.headers()).containsEntry("authorization", "Bearer from-env");
                    ReceivedExport.Point scrapes = got.points().stream()
                            .filter(p -> p.name().equals(OtlpMetric.SCRAPES.name())).findFirst().orElseThrow();
                    assertThat(scrapes.value()).isEqualTo(3.0);
                    assertThat(scrapes.resource()).containsEntry("service.name", "env-sidecar")
                            .containsEntry("k8s.cluster.name", "loopback");
                });
                assertThat(receiver.errors()).isEmpty();
            } finally {
                export.stop();
            }
        }
    }
}
