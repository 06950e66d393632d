package dev.headroom.agent.otel;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OtelEnvironmentTest {

    private static final OtlpSettingsTest.Config NOTHING_SET = OtlpSettingsTest.Config.defaults();

    private static OtlpSettings settings(OtlpConfig config, Map<String, String> env) {
        return OtlpSettings.from(config, OtelEnvironment.from(env));
    }

    @Test
    void operatorVariablesConfigureTheExportWhenNothingIsSetUnderHeadroomOtlp() {
        Map<String, String> env = Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.observability:4318/",
                "OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20abc,x-tenant=a%3Db",
                "OTEL_EXPORTER_OTLP_TIMEOUT", "2500",
                "OTEL_METRIC_EXPORT_INTERVAL", "30000",
                "OTEL_SERVICE_NAME", "llama-sidecar",
                "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=staging,k8s.cluster.name=eu%2C1");
        OtlpSettings s = settings(NOTHING_SET, env);
        assertThat(s.protocol()).isEqualTo(OtlpSettings.Protocol.HTTP_PROTOBUF);
        // The base endpoint gets the signal path for http/protobuf, as the specification says.
        assertThat(s.endpoint()).isEqualTo(URI.create("http://collector.observability:4318/v1/metrics"));
        assertThat(s.headers()).containsEntry("authorization", "Bearer abc").containsEntry("x-tenant", "a=b");
        assertThat(s.timeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(s.interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.resource()).containsEntry("service.name", "llama-sidecar")
                // OtlpSettingsTest.Config sets deployment.environment.name=prod under headroom.otlp: it wins.
                .containsEntry("deployment.environment.name", "prod")
                .containsEntry("k8s.cluster.name", "eu,1");
        assertThat(OtlpSettings.enabled(NOTHING_SET, OtelEnvironment.from(env))).isTrue();
    }

    @Test
    void signalSpecificEndpointWinsAndIsUsedAsIs() {
        OtlpSettings s = settings(NOTHING_SET, Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://general:4318",
                "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://metrics:9999/custom"));
        assertThat(s.endpoint()).isEqualTo(URI.create("http://metrics:9999/custom"));
        OtlpSettings grpc = settings(NOTHING_SET, Map.of(
                "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://general:4317"));
        assertThat(grpc.protocol()).isEqualTo(OtlpSettings.Protocol.GRPC);
        assertThat(grpc.endpoint()).isEqualTo(URI.create("http://general:4317"));
        OtlpSettings metricsProtocol = settings(NOTHING_SET, Map.of(
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "grpc"));
        assertThat(metricsProtocol.protocol()).isEqualTo(OtlpSettings.Protocol.GRPC);
        assertThat(metricsProtocol.endpoint()).isEqualTo(URI.create("http://localhost:4317"));
    }

    @Test
    void explicitHeadroomKeysWinOverTheVariables() {
        OtlpSettingsTest.Config explicit = new OtlpSettingsTest.Config(Optional.of("grpc"),
                Optional.of("http://mine:4317"), Optional.of(Duration.ofSeconds(5)), Optional.of("mine"),
                Optional.empty(), Map.of("authorization", "Bearer mine"), "chat");
        OtlpSettings s = settings(explicit, Map.of(
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://theirs:4318",
                "OTEL_METRIC_EXPORT_INTERVAL", "60000",
                "OTEL_SERVICE_NAME", "theirs",
                "OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20theirs,x-extra=1"));
        assertThat(s.protocol()).isEqualTo(OtlpSettings.Protocol.GRPC);
        assertThat(s.endpoint()).isEqualTo(URI.create("http://mine:4317"));
        assertThat(s.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.resource()).containsEntry("service.name", "mine");
        assertThat(s.headers()).containsEntry("authorization", "Bearer mine").containsEntry("x-extra", "1");
    }

    @Test
    void defaultsApplyWhenNeitherIsSet() {
        OtlpSettings s = settings(NOTHING_SET, Map.of());
        assertThat(s.protocol()).isEqualTo(OtlpSettings.Protocol.HTTP_PROTOBUF);
        assertThat(s.endpoint()).isEqualTo(URI.create("http://localhost:4318/v1/metrics"));
        assertThat(s.interval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.resource()).containsEntry("service.name", "headroom-sidecar");
        // service.name in OTEL_RESOURCE_ATTRIBUTES counts when OTEL_SERVICE_NAME is unset.
        assertThat(settings(NOTHING_SET, Map.of("OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attrs")).resource())
                .containsEntry("service.name", "from-attrs");
    }

    @Test
    void enabledFollowsTheEndpointAndSdkDisabledUnlessSetExplicitly() {
        assertThat(OtlpSettings.enabled(NOTHING_SET, OtelEnvironment.empty())).isFalse();
        assertThat(OtlpSettings.enabled(NOTHING_SET, OtelEnvironment.from(Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318", "OTEL_SDK_DISABLED", "true")))).isFalse();
        assertThat(OtlpSettings.enabled(NOTHING_SET, OtelEnvironment.from(Map.of(
                "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://c:4318/v1/metrics", "OTEL_SDK_DISABLED", "false")))).isTrue();
        OtlpConfig on = new Enabled(true);
        OtlpConfig off = new Enabled(false);
        assertThat(OtlpSettings.enabled(on, OtelEnvironment.from(Map.of("OTEL_SDK_DISABLED", "true")))).isTrue();
        assertThat(OtlpSettings.enabled(off, OtelEnvironment.from(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318")))).isFalse();
    }

    @Test
    void badValuesAreReportedNamingTheVariable() {
        Map<String, String> env = Map.of(
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/json",
                "OTEL_EXPORTER_OTLP_TIMEOUT", "10s",
                "OTEL_METRIC_EXPORT_INTERVAL", "0",
                "OTEL_EXPORTER_OTLP_HEADERS", "novalue",
                "OTEL_SDK_DISABLED", "yes",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318");
        assertThatThrownBy(() -> settings(NOTHING_SET, env))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OTEL_EXPORTER_OTLP_PROTOCOL must be 'grpc' or 'http/protobuf', was 'http/json'")
                .hasMessageContaining("OTEL_EXPORTER_OTLP_TIMEOUT must be a positive number of milliseconds, was '10s'")
                .hasMessageContaining("OTEL_METRIC_EXPORT_INTERVAL must be a positive number of milliseconds, was '0'")
                .hasMessageContaining("OTEL_EXPORTER_OTLP_HEADERS must be comma-separated key=value pairs, was 'novalue'")
                .hasMessageContaining("OTEL_SDK_DISABLED must be 'true' or 'false', was 'yes'")
                .hasMessageContaining("OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL");
        assertThatThrownBy(() -> settings(NOTHING_SET, Map.of("OTEL_EXPORTER_OTLP_HEADERS", "a=%zz")))
                .hasMessageContaining("OTEL_EXPORTER_OTLP_HEADERS has a value that is not URL-encoded: 'a=%zz'");
    }

    /** Only {@code enabled} set. */
    private record Enabled(boolean on) implements OtlpConfig {
        @Override public Optional<Boolean> enabled() { return Optional.of(on); }
        @Override public Optional<String> protocol() { return Optional.empty(); }
        @Override public Optional<String> endpoint() { return Optional.empty(); }
        @Override public Optional<Duration> interval() { return Optional.empty(); }
        @Override public Optional<Duration> timeout() { return Optional.empty(); }
        @Override public Map<String, String> headers() { return Map.of(); }
        @Override public Optional<String> serviceName() { return Optional.empty(); }
        @Override public Optional<String> pod() { return Optional.empty(); }
        @Override public Optional<String> namespace() { return Optional.empty(); }
        @Override public Optional<String> model() { return Optional.empty(); }
        @Override public String operationName() { return "chat"; }
        @Override public Map<String, String> resourceAttributes() { return Map.of(); }
    }
}
