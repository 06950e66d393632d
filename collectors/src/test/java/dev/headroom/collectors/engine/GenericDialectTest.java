package dev.headroom.collectors.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.collectors.exposition.Exposition;
import dev.headroom.collectors.exposition.ExpositionFormat;
import dev.headroom.collectors.exposition.ExpositionParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The user-configured dialect: mapping an engine Headroom does not know, and rejecting a bad mapping at start. */
class GenericDialectTest {

    private static final Instant AT = Instant.parse("2025-06-01T00:00:00Z");

    private static final String PAYLOAD = """
            # TYPE myengine_pending gauge
            myengine_pending{pool="a",model="m7"} 3
            myengine_pending{pool="b",model="m7"} 4
            # TYPE myengine_active gauge
            myengine_active{pool="a"} 5
            myengine_active{pool="b"} 6
            # TYPE myengine_cache_percent gauge
            myengine_cache_percent{pool="a"} 40
            myengine_cache_percent{pool="b"} 60
            # TYPE myengine_generated counter
            myengine_generated_total{pool="a"} 100
            myengine_generated_total{pool="b"} 150
            # TYPE myengine_ttft_ms histogram
            myengine_ttft_ms_bucket{pool="a",le="100"} 1
            myengine_ttft_ms_bucket{pool="a",le="+Inf"} 2
            myengine_ttft_ms_sum{pool="a"} 250
            myengine_ttft_ms_count{pool="a"} 2
            myengine_ttft_ms_bucket{pool="b",le="100"} 3
            myengine_ttft_ms_bucket{pool="b",le="+Inf"} 3
            myengine_ttft_ms_sum{pool="b"} 150
            myengine_ttft_ms_count{pool="b"} 3
            """;

    private static EngineSample read(GenericDialect d, String text) throws Exception {
        Exposition e = new ExpositionParser().parse(text.getBytes(StandardCharsets.UTF_8),
                ExpositionFormat.PROMETHEUS_TEXT, d.families());
        assertThat(d.recognises(e)).isTrue();
        return d.read(e, AT).sample();
    }

    @Test
    void mapsMetricsWithMatchAggregateAndScale() throws Exception {
        GenericDialect d = GenericDialect.fromConfig(Map.of(
                "queue.metric", "myengine_pending",
                "running.metric", "myengine_active",
                "running.match", "pool=b",
                "kv_utilization.metric", "myengine_cache_percent",
                "kv_utilization.aggregate", "max",
                "kv_utilization.scale", "0.01",
                "generation_tokens.metric", "myengine_generated",
                "ttft.metric", "myengine_ttft_ms",
                "ttft.scale", "0.001",
                "model-label", "model"));
        EngineSample s = read(d, PAYLOAD);
        assertThat(s.engine()).isEqualTo(new EngineIdentity("generic", "m7", null));
        assertThat(s.gauges()).containsExactlyInAnyOrderEntriesOf(Map.of(GaugeSignal.QUEUE, 7.0,
                GaugeSignal.RUNNING, 6.0, GaugeSignal.KV_UTILIZATION, 0.6));
        assertThat(s.counters()).containsExactlyInAnyOrderEntriesOf(Map.of(CounterSignal.GENERATION_TOKENS, 250.0));
        assertThat(s.latency(LatencySignal.TTFT)).hasValue(new Histogram(
                new double[] {0.1, Double.POSITIVE_INFINITY}, new double[] {4, 5}, 5, 0.4));
        // not configured: unknown, never zero
        assertThat(s.gauge(GaugeSignal.KV_CAPACITY_TOKENS)).isEmpty();
        assertThat(s.counter(CounterSignal.PROMPT_TOKENS)).isEmpty();
    }

    @Test
    void meanIsTheDefaultForKvUtilization() throws Exception {
        GenericDialect d = GenericDialect.fromConfig(Map.of("kv_utilization.metric", "myengine_cache_percent",
                "kv_utilization.scale", "0.01"));
        assertThat(read(d, PAYLOAD).gauge(GaugeSignal.KV_UTILIZATION)).hasValue(0.5);
    }

    @Test
    void aConfiguredFamilyMissingFromThePayloadIsUnknown() throws Exception {
        GenericDialect d = GenericDialect.fromConfig(Map.of("queue.metric", "myengine_pending",
                "running.metric", "myengine_not_there"));
        EngineSample s = read(d, PAYLOAD);
        assertThat(s.gauge(GaugeSignal.QUEUE)).hasValue(7.0);
        assertThat(s.gauge(GaugeSignal.RUNNING)).isEmpty();
    }

    @Test
    void everyBadKeyIsReportedAtOnceWithWhatWasExpected() {
        assertThatThrownBy(() -> GenericDialect.fromConfig(Map.of(
                "queue.metric", "my-queue",
                "queue.scale", "fast",
                "running.match", "pool",
                "ttft.aggregate", "max",
                "kv_utilization.metric", "x",
                "kv_utilization.aggregate", "median",
                "latency.metric", "y",
                "running.units", "s",
                "model-label", "1bad")))
                .isInstanceOfSatisfying(InvalidDialectConfigException.class, e -> {
                    assertThat(e.errors()).containsExactlyInAnyOrder(
                            "model-label: expected a label name ([a-zA-Z_][a-zA-Z0-9_]*), got '1bad'",
                            "latency.metric: unknown key; expected SIGNAL.PROPERTY with SIGNAL one of "
                                    + GenericDialect.SIGNAL_KEYS + ", or model-label",
                            "running.units: unknown property 'units'; expected one of metric, match, aggregate, scale",
                            "queue.metric: expected a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*), got 'my-queue'",
                            "queue.scale: expected a positive number (e.g. 0.001 for milliseconds), got 'fast'",
                            "running.metric: required when other running.* keys are set; expected a metric family name",
                            "running.match: expected label=value[,label=value…], got 'pool'",
                            "kv_utilization.aggregate: expected sum, mean or max, got 'median'",
                            "ttft.metric: required when other ttft.* keys are set; expected a metric family name",
                            "ttft.aggregate: only gauges (queue, running, kv_utilization, kv_capacity_tokens) take an "
                                    + "aggregate; counters and latencies are always summed over series");
                    assertThat(e.getMessage()).startsWith("invalid 'generic' dialect configuration (10 errors): ");
                });
    }

    @Test
    void anEmptyConfigurationSaysWhatIsNeeded() {
        assertThatThrownBy(() -> GenericDialect.fromConfig(Map.of()))
                .isInstanceOf(InvalidDialectConfigException.class)
                .hasMessageContaining("no signal configured: expected at least one SIGNAL.metric");
    }

    @Test
    void registeredUnderGenericAndDetectedAfterEveryBuiltInDialect() throws Exception {
        GenericDialect d = GenericDialect.fromConfig(Map.of("queue.metric", "myengine_pending",
                "running.metric", "vllm:num_requests_running"));
        DialectRegistry registry = DialectRegistry.standard(d);
        assertThat(registry.names()).endsWith("generic");
        assertThat(registry.resolve("generic")).containsSame(d);
        Exposition mine = new ExpositionParser().parse(PAYLOAD.getBytes(StandardCharsets.UTF_8),
                ExpositionFormat.PROMETHEUS_TEXT, registry.anyDialectFamilies());
        assertThat(registry.detect(mine)).containsSame(d);
        Exposition vllm = new ExpositionParser().parse(
                "# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running 1\n".getBytes(StandardCharsets.UTF_8),
                ExpositionFormat.PROMETHEUS_TEXT, registry.anyDialectFamilies());
        assertThat(registry.detect(vllm).orElseThrow().name()).isEqualTo("vllm");
    }
}
