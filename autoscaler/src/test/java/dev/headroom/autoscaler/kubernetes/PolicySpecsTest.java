package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicy;
import dev.headroom.autoscaler.kubernetes.crd.ScaleDownVotingRule;
import dev.headroom.autoscaler.kubernetes.crd.SignalSource;
import dev.headroom.autoscaler.policy.LoadForecast;
import dev.headroom.autoscaler.policy.PolicySpec;
import dev.headroom.autoscaler.policy.ScaleDownVoting;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** {@code HeadroomPolicy} YAML, as a user writes it, read by {@link PolicySpecs#resolve}. */
class PolicySpecsTest {

    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    /** A valid policy with {@code extra} lines appended under {@code spec:} (indented by two spaces). */
    static HeadroomPolicy policy(String extra) {
        return YAML.unmarshal("""
                apiVersion: headroom.dev/v1alpha1
                kind: HeadroomPolicy
                metadata: {name: llama, namespace: llm}
                spec:
                  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: llama}
                  selector: {matchLabels: {app: llama}}
                  maxReplicas: 8
                """ + extra.indent(2), HeadroomPolicy.class);
    }

    static Stream<Arguments> goodSpecs() {
        Duration fiveMinutes = LoadForecast.DEFAULT_TREND_WINDOW;
        return Stream.of(
                arguments("", ScaleDownVoting.LOAD_SIGNALS, LoadForecast.OFF),
                arguments("forecast: {}", ScaleDownVoting.LOAD_SIGNALS, LoadForecast.OFF),
                arguments("forecast: {leadTimeSeconds: 0}", ScaleDownVoting.LOAD_SIGNALS, LoadForecast.OFF),
                arguments("forecast: {leadTimeSeconds: 105}", ScaleDownVoting.LOAD_SIGNALS,
                        new LoadForecast(Duration.ofSeconds(105), fiveMinutes)),
                arguments("forecast: {leadTimeSeconds: 3600, trendWindowSeconds: 30}", ScaleDownVoting.LOAD_SIGNALS,
                        new LoadForecast(Duration.ofHours(1), Duration.ofSeconds(30))),
                arguments("forecast: {trendWindowSeconds: 3600}", ScaleDownVoting.LOAD_SIGNALS,
                        new LoadForecast(Duration.ZERO, Duration.ofHours(1))),
                arguments("scaleDownVoting: LoadSignals", ScaleDownVoting.LOAD_SIGNALS, LoadForecast.OFF),
                arguments("scaleDownVoting: EverySignal", ScaleDownVoting.EVERY_SIGNAL, LoadForecast.OFF),
                arguments("""
                        scaleDownVoting: EverySignal
                        forecast:
                          leadTimeSeconds: 120
                          trendWindowSeconds: 600""", ScaleDownVoting.EVERY_SIGNAL,
                        new LoadForecast(Duration.ofSeconds(120), Duration.ofSeconds(600))));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("goodSpecs")
    void goodSpecsResolve(String extra, ScaleDownVoting voting, LoadForecast forecast) {
        PolicySpec spec = PolicySpecs.resolve(policy(extra)).spec();
        assertThat(spec.scaleDownVoting()).isEqualTo(voting);
        assertThat(spec.forecast()).isEqualTo(forecast);
        assertThat(spec.forecast().enabled()).isEqualTo(!forecast.leadTime().isZero());
        // The rest of the spec is as without the new fields.
        assertThat(spec.withScaleDownVoting(ScaleDownVoting.LOAD_SIGNALS).withForecast(LoadForecast.OFF))
                .isEqualTo(PolicySpecs.resolve(policy("")).spec());
    }

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                arguments("forecast: {leadTimeSeconds: -5}",
                        List.of("spec.forecast.leadTimeSeconds is -5; expected 0 to 3600")),
                arguments("forecast: {leadTimeSeconds: 3601}",
                        List.of("spec.forecast.leadTimeSeconds is 3601; expected 0 to 3600")),
                arguments("forecast: {leadTimeSeconds: 105, trendWindowSeconds: 29}",
                        List.of("spec.forecast.trendWindowSeconds is 29; expected 30 to 3600")),
                arguments("forecast: {trendWindowSeconds: 3601}",
                        List.of("spec.forecast.trendWindowSeconds is 3601; expected 30 to 3600")),
                arguments("forecast: {leadTimeSeconds: -1, trendWindowSeconds: 0}",
                        List.of("spec.forecast.leadTimeSeconds is -1; expected 0 to 3600",
                                "spec.forecast.trendWindowSeconds is 0; expected 30 to 3600")),
                // Every problem at once, the valid scaleDownVoting applied to nothing.
                arguments("""
                        scaleDownVoting: EverySignal
                        sidecar: {port: 0}
                        forecast: {leadTimeSeconds: 7200}
                        behavior: {scaleDown: {stabilizationWindowSeconds: -1}}""",
                        List.of("spec.sidecar.port is 0; expected 1 to 65535",
                                "spec.behavior.scaleDown.stabilizationWindowSeconds is -1; expected 0 to 3600",
                                "spec.forecast.leadTimeSeconds is 7200; expected 0 to 3600")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badSpecs")
    void badSpecsNameEveryBadField(String extra, List<String> problems) {
        assertThatThrownBy(() -> PolicySpecs.resolve(policy(extra)))
                .isInstanceOfSatisfying(InvalidPolicyException.class, e -> {
                    assertThat(e.problems()).containsExactlyElementsOf(problems);
                    assertThat(e.getMessage()).isEqualTo("HeadroomPolicy llm/llama is invalid: "
                            + String.join("; ", problems));
                });
    }

    @Test
    void newFieldsRoundTripInTheResourcesYamlShape() {
        HeadroomPolicy p = policy("""
                scaleDownVoting: EverySignal
                forecast: {leadTimeSeconds: 105}""");
        assertThat(p.getSpec().scaleDownVoting).isEqualTo(ScaleDownVotingRule.EVERY_SIGNAL);
        assertThat(p.getSpec().forecast.leadTimeSeconds).isEqualTo(105);
        assertThat(p.getSpec().forecast.trendWindowSeconds).as("absent: the default applies when resolved").isNull();

        String yaml = YAML.asYaml(p);
        assertThat(yaml).contains("scaleDownVoting: \"EverySignal\"").contains("leadTimeSeconds: 105")
                .doesNotContain("trendWindowSeconds");
        HeadroomPolicy back = YAML.unmarshal(yaml, HeadroomPolicy.class);
        assertThat(back.getSpec().scaleDownVoting).isEqualTo(ScaleDownVotingRule.EVERY_SIGNAL);
        assertThat(PolicySpecs.resolve(back)).isEqualTo(PolicySpecs.resolve(p));

        assertThat(YAML.asYaml(policy(""))).as("absent fields stay absent")
                .doesNotContain("scaleDownVoting").doesNotContain("forecast");
    }

    static Stream<Arguments> sources() {
        return Stream.of(
                arguments("", SignalSource.SIDECAR, 8480, "/v1/signals"),
                arguments("sidecar: {port: 9000, path: /s}", SignalSource.SIDECAR, 9000, "/s"),
                arguments("source: sidecar\nengine: {port: 9000}", SignalSource.SIDECAR, 8480, "/v1/signals"),
                arguments("source: engine", SignalSource.ENGINE, 8000, "/metrics"),
                arguments("source: engine\nsidecar: {port: 9000}", SignalSource.ENGINE, 8000, "/metrics"),
                arguments("source: engine\nengine: {port: 30000, path: /metrics/}", SignalSource.ENGINE, 30000,
                        "/metrics/"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("sources")
    void theSourceSaysWhichEndpointIsRead(String extra, SignalSource source, int port, String path) {
        PolicySpecs.Resolved r = PolicySpecs.resolve(policy(extra));
        assertThat(r.source()).isEqualTo(source);
        assertThat(r.port()).isEqualTo(port);
        assertThat(r.path()).isEqualTo(path);
    }

    @Test
    void aBadEngineEndpointIsNamedAndAnUnknownSourceRefused() {
        assertThatThrownBy(() -> PolicySpecs.resolve(policy("source: engine\nengine: {port: 70000, path: metrics}")))
                .isInstanceOfSatisfying(InvalidPolicyException.class, e -> assertThat(e.problems()).containsExactly(
                        "spec.engine.port is 70000; expected 1 to 65535",
                        "spec.engine.path is 'metrics'; expected a path starting with /"));
        assertThatThrownBy(() -> policy("source: prometheus")).hasMessageContaining("prometheus");
    }

    @Test
    void everyVotingRuleHasItsResourceName() {
        assertThat(ScaleDownVotingRule.values()).extracting(ScaleDownVotingRule::value)
                .containsExactly("LoadSignals", "EverySignal");
        assertThat(ScaleDownVotingRule.fromValue("EverySignal")).contains(ScaleDownVotingRule.EVERY_SIGNAL);
        assertThat(ScaleDownVotingRule.fromValue("everySignal")).isEmpty();
    }
}
