package dev.headroom.agent.controller;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /v1/decisions} on the plain HTTP port is off unless asked for: that port has no TLS and no
 * authentication, and every namespace's decisions are there (issue 14: any pod could read them). The mapping is
 * built by SmallRye from the real {@link ControllerConfig}, so the default tested is the one the agent runs with.
 */
class DecisionsOnHttpPortTest {

    private static ControllerConfig config(Map<String, String> properties) {
        // Quarkus' own converter, for durations such as "500ms" as the agent reads them.
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(ControllerConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500)).build();
        return config.getConfigMapping(ControllerConfig.class);
    }

    @Test
    void offByDefaultAnd404NamingTheKeyAndWhereToReadThem() {
        ControllerConfig config = config(Map.of());
        assertThat(config.decisionsOnHttpPort()).isFalse();

        Response r = new DecisionsResource(new ControllerRuntime(), config).decisions();
        assertThat(r.getStatus()).isEqualTo(404);
        assertThat(r.getEntity()).asString().contains("headroom.controller.decisions-on-http-port")
                .contains("KEDA scaler's TLS port");
    }

    @Test
    void servedWhenTurnedOn() {
        ControllerConfig config = config(Map.of("headroom.controller.decisions-on-http-port", "true"));

        Response r = new DecisionsResource(new ControllerRuntime(), config).decisions();
        assertThat(r.getStatus()).isEqualTo(200);
        assertThat(r.getEntity()).asString().contains("decisions=[]");
    }
}
