package dev.headroom.agent.otel;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OtlpSettingsTest {

    /** A configuration as SmallRye would map it, with the defaults of {@link OtlpConfig}. */
    record Config(Optional<String> protocol, Optional<String> endpoint, Optional<Duration> interval,
                  Optional<String> serviceName, Optional<String> pod, Map<String, String> headers, String operationName)
            implements OtlpConfig {
        /** Nothing set but the operation name's default. */
        static Config defaults() {
            return new Config(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Map.of(), "chat");
        }

        @Override
        public Optional<Boolean> enabled() {
            return Optional.empty();
        }

        @Override
        public Optional<Duration> timeout() {
            return Optional.empty();
        }

        @Override
        public Optional<String> namespace() {
            return Optional.of("inference");
        }

        @Override
        public Optional<String> model() {
            return Optional.empty();
        }

        @Override
        public Map<String, String> resourceAttributes() {
            return Map.of("deployment.environment.name", "prod");
        }
    }

    @Test
    void defaultsFollowTheOtlpSpecificationPerProtocol() {
        OtlpSettings http = OtlpSettings.from(Config.defaults());
        assertThat(http.protocol()).isEqualTo(OtlpSettings.Protocol.HTTP_PROTOBUF);
        assertThat(http.endpoint()).isEqualTo(URI.create("http://localhost:4318/v1/metrics"));
        assertThat(http.resource()).containsEntry("service.name", "headroom-sidecar")
                .containsEntry("k8s.namespace.name", "inference")
                .containsEntry("deployment.environment.name", "prod")
                .doesNotContainKey("k8s.pod.name");

        Config grpc = new Config(Optional.of("grpc"), Optional.empty(), Optional.of(Duration.ofSeconds(5)), Optional.of("svc"), Optional.of("llm-0"), Map.of("a", "b"),
                "text_completion");
        OtlpSettings settings = OtlpSettings.from(grpc);
        assertThat(settings.endpoint()).isEqualTo(URI.create("http://localhost:4317"));
        assertThat(settings.resource()).containsEntry("k8s.pod.name", "llm-0").containsEntry("service.name", "svc");
        assertThat(settings.headers()).containsEntry("a", "b");
        assertThat(http.operationName()).isEqualTo("chat");
        assertThat(settings.operationName()).isEqualTo("text_completion");
    }

    @Test
    void everyMistakeIsReportedAtOnceNamingKeyValueAndWhatIsAccepted() {
        Config bad = new Config(Optional.of("thrift"), Optional.of("otel-collector:4317"), Optional.of(Duration.ZERO), Optional.of(" "), Optional.empty(), Map.of(), "");
        assertThatThrownBy(() -> OtlpSettings.from(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("headroom.otlp.protocol must be 'grpc' or 'http/protobuf', was 'thrift'")
                .hasMessageContaining("headroom.otlp.interval must be a positive duration")
                .hasMessageContaining("headroom.otlp.service-name must not be blank")
                .hasMessageContaining("headroom.otlp.operation-name must not be blank");
        Config badEndpoint = new Config(Optional.of("grpc"), Optional.of("otel-collector:4317"), Optional.of(Duration.ofSeconds(1)), Optional.of("s"),
                Optional.empty(), Map.of(), "chat");
        assertThatThrownBy(() -> OtlpSettings.from(badEndpoint))
                .hasMessageContaining("headroom.otlp.endpoint must be an http(s) URL")
                .hasMessageContaining("'otel-collector:4317'");
        Config noSuchPort = new Config(Optional.of("http/protobuf"), Optional.of("http://otel-collector:99999/v1/metrics"),
                Optional.of(Duration.ofSeconds(1)), Optional.of("s"), Optional.empty(), Map.of(), "chat");
        assertThatThrownBy(() -> OtlpSettings.from(noSuchPort))
                .hasMessageContaining("headroom.otlp.endpoint must be an http(s) URL").hasMessageContaining(":99999");
    }
}
