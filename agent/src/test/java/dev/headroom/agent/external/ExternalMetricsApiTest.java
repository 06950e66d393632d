package dev.headroom.agent.external;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.policy.DecisionReason;
import dev.headroom.autoscaler.policy.ExternalMetricValue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The API's answers without the transport: selectors, refusals, staleness, and values over a grid. */
class ExternalMetricsApiTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:30Z");
    private static final Authentication HPA = new Authentication.User("system:serviceaccount:kube-system:hpa",
            List.of("system:authenticated"), "front-proxy-client");
    private static final String VALUES = "/apis/external.metrics.k8s.io/v1beta1/namespaces/inference/headroom_desired_replicas";

    private final Decisions book = new Decisions();
    private final ExternalMetricsApi api = new ExternalMetricsApi(book, () -> NOW, Duration.ofSeconds(30));
    private final ObjectMapper mapper = new ObjectMapper();

    @ParameterizedTest(name = "selector ''{0}'' → {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "workload=llama              | 200",
            "workload==llama             | 200",
            "workload in (llama)         | 200",
            "workload=llama,tier!=gpu    | 200",
            "workload=llama,!tier        | 200",
            "workload=llama,tier=gpu     | 404",
            "workload in (llama,mistral) | 400",
            "workload!=llama             | 400",
            "NULL                        | 400",
            "workload=llama,workload=x   | 400",
            "workload=(llama             | 400",
    })
    void theSelectorMustNameExactlyOneWorkload(String selector, int status) {
        book.put(Decisions.decision("inference", "llama", ScalingMode.EXTERNAL_METRICS, NOW, 2, 4, DecisionReason.SCALE_UP));

        ApiResponse r = api.handle("GET", VALUES, selector, HPA);

        assertThat(r.status()).isEqualTo(status);
        if (status != 200) {
            assertThat(json(r).path("kind").asText()).isEqualTo("Status");
            assertThat(json(r).path("code").asInt()).isEqualTo(status);
        }
    }

    @Test
    void aStaleDecisionAndAPolicyInAnotherModeAreRefused() {
        book.put(Decisions.decision("inference", "old", ScalingMode.EXTERNAL_METRICS, NOW.minusSeconds(31), 2, 4,
                DecisionReason.SCALE_UP));
        book.put(Decisions.decision("inference", "direct", ScalingMode.DIRECT, NOW, 2, 4, DecisionReason.SCALE_UP));
        book.put(Decisions.decision("inference", "fresh", ScalingMode.EXTERNAL_METRICS, NOW.minusSeconds(30), 2, 4,
                DecisionReason.SCALE_UP));

        ApiResponse stale = api.handle("GET", VALUES, "workload=old", HPA);
        ApiResponse direct = api.handle("GET", VALUES, "workload=direct", HPA);

        assertThat(stale.status()).isEqualTo(503);
        assertThat(json(stale).path("message").asText()).contains("31 s old");
        assertThat(direct.status()).isEqualTo(409);
        assertThat(json(direct).path("message").asText()).contains("mode Direct").contains("ExternalMetrics");
        assertThat(api.handle("GET", VALUES, "workload=fresh", HPA).status()).as("exactly the allowed age").isEqualTo(200);
    }

    @Test
    void writesAndUnknownPathsAreRefusedWithAStatus() {
        assertThat(api.handle("POST", VALUES, "workload=llama", HPA).status()).isEqualTo(405);
        assertThat(api.handle("GET", VALUES + "/extra", "workload=llama", HPA).status()).isEqualTo(404);
        assertThat(api.handle("GET", "/apis/custom.metrics.k8s.io/v1beta1", null, HPA).status()).isEqualTo(404);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"1,1", "1,2", "2,1", "3,10", "10,3", "4,0", "0,1", "7,8", "20,30"})
    void theServedValueTakesTheHpaToTheDecisionWheneverItsToleranceAllows(int current, int desired) {
        book.put(Decisions.decision("inference", "llama", ScalingMode.EXTERNAL_METRICS, NOW, current, desired,
                DecisionReason.SCALE_UP));

        JsonNode item = json(api.handle("GET", VALUES, "workload=llama", HPA)).path("items").get(0);
        long milli = milli(item.path("value").asText());
        ExternalMetricValue expected = ExternalMetricValue.forAverageValueTarget(desired, current, 1000, 0.1, 0.1);

        assertThat(milli).isEqualTo(expected.milliValue());
        int hpa = ExternalMetricValue.hpaReplicas(milli, current, 1000, 0.1, 0.1);
        assertThat(hpa).isEqualTo(expected.reproducible() ? desired : current);
    }

    @Test
    void labelSelectorsParseAsKubernetesWritesThem() throws Exception {
        LabelSelector s = LabelSelector.parse("workload = llama, tier notin (cpu, tpu),zone");

        assertThat(s.requirements()).hasSize(3);
        assertThat(s.workload()).hasValue("llama");
        assertThat(s.matches(Map.of("workload", "llama", "zone", "a"))).isTrue();
        assertThat(s.matches(Map.of("workload", "llama"))).isFalse();
        assertThat(s.matches(Map.of("workload", "llama", "zone", "a", "tier", "cpu"))).isFalse();
        assertThatThrownBy(() -> LabelSelector.parse("workload=llama,,x"))
                .isInstanceOf(LabelSelector.InvalidSelectorException.class).hasMessageContaining("empty requirement");
        assertThatThrownBy(() -> LabelSelector.parse("tier within (a)"))
                .isInstanceOf(LabelSelector.InvalidSelectorException.class).hasMessageContaining("within");
    }

    private static long milli(String quantity) {
        return quantity.endsWith("m") ? Long.parseLong(quantity.substring(0, quantity.length() - 1))
                : Long.parseLong(quantity) * 1000;
    }

    private JsonNode json(ApiResponse r) {
        try {
            return mapper.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError(r.body(), e);
        }
    }
}
