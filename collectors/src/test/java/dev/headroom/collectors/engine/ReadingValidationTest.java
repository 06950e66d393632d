package dev.headroom.collectors.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.headroom.collectors.Fixtures;
import dev.headroom.collectors.exposition.ExpositionFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14, item 3: real payloads with one reading made invalid, read through the one {@link SampleReader}. Each
 * invalid reading leaves its signal out of the sample (unknown: never 0, never as read) with a rejection naming the
 * reason; everything else in the payload reads as before.
 */
class ReadingValidationTest {

    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    private static final String VLLM_MODEL = "model_name=\"/job/model/Qwen2.5-0.5B-Instruct\"";
    private static final String VLLM_QUEUE = "vllm:num_requests_waiting{engine=\"0\"," + VLLM_MODEL + "} 0.0";
    private static final String VLLM_KV = "vllm:kv_cache_usage_perc{engine=\"0\"," + VLLM_MODEL
            + "} 1.3798051715085968e-05";
    private static final String VLLM_TTFT_INF = "vllm:time_to_first_token_seconds_bucket{engine=\"0\",le=\"+Inf\","
            + VLLM_MODEL + "} 3.0";
    private static final String SGLANG = "sglang-v0.4-docs-production_metrics-00b08c4.prom";
    private static final String SGLANG_KV = "sglang:token_usage{model_name=\"meta-llama/Llama-3.1-8B-Instruct\"} 0.28";

    static Stream<Arguments> invalidReadings() {
        return Stream.of(
                arguments("vLLM queue -50", Fixtures.VLLM_V1, edit(VLLM_QUEUE, VLLM_QUEUE.replace(" 0.0", " -50")),
                        GaugeSignal.QUEUE, Rejection.Reason.NEGATIVE),
                arguments("vLLM waiting -4", Fixtures.VLLM_V1, edit(VLLM_QUEUE, VLLM_QUEUE.replace(" 0.0", " -4")),
                        GaugeSignal.QUEUE, Rejection.Reason.NEGATIVE),
                arguments("vLLM KV -3", Fixtures.VLLM_V1, edit(VLLM_KV, VLLM_KV.replaceAll(" \\S+$", " -3")),
                        GaugeSignal.KV_UTILIZATION, Rejection.Reason.NEGATIVE),
                arguments("vLLM KV 7.0", Fixtures.VLLM_V1, edit(VLLM_KV, VLLM_KV.replaceAll(" \\S+$", " 7.0")),
                        GaugeSignal.KV_UTILIZATION, Rejection.Reason.OUT_OF_RANGE),
                arguments("vLLM KV 1.7", Fixtures.VLLM_V1, edit(VLLM_KV, VLLM_KV.replaceAll(" \\S+$", " 1.7")),
                        GaugeSignal.KV_UTILIZATION, Rejection.Reason.OUT_OF_RANGE),
                arguments("vLLM KV NaN", Fixtures.VLLM_V1, edit(VLLM_KV, VLLM_KV.replaceAll(" \\S+$", " NaN")),
                        GaugeSignal.KV_UTILIZATION, Rejection.Reason.NON_FINITE),
                arguments("vLLM queue +Inf", Fixtures.VLLM_V1, edit(VLLM_QUEUE, VLLM_QUEUE.replace(" 0.0", " +Inf")),
                        GaugeSignal.QUEUE, Rejection.Reason.NON_FINITE),
                // the same series twice: 3 and 5, which summed would read 8
                arguments("vLLM queue twice", Fixtures.VLLM_V1, edit(VLLM_QUEUE,
                        VLLM_QUEUE.replace(" 0.0", " 3") + "\n" + VLLM_QUEUE.replace(" 0.0", " 5")),
                        GaugeSignal.QUEUE, Rejection.Reason.DUPLICATE_SERIES),
                arguments("vLLM TTFT cut before +Inf", Fixtures.VLLM_V1, edit(VLLM_TTFT_INF, ""),
                        LatencySignal.TTFT, Rejection.Reason.INCOMPLETE_HISTOGRAM),
                arguments("vLLM queue of two models", Fixtures.VLLM_V1, edit(VLLM_QUEUE, VLLM_QUEUE + "\n"
                        + VLLM_QUEUE.replace("Qwen2.5-0.5B-Instruct", "Llama-3.1-8B").replace(" 0.0", " 4"))
                        , GaugeSignal.QUEUE, Rejection.Reason.SEVERAL_MODELS),
                arguments("SGLang KV 7.0", SGLANG, edit(SGLANG_KV, SGLANG_KV.replace("0.28", "7.0")),
                        GaugeSignal.KV_UTILIZATION, Rejection.Reason.OUT_OF_RANGE),
                arguments("SGLang KV twice", SGLANG, edit(SGLANG_KV, SGLANG_KV + "\n" + SGLANG_KV),
                        GaugeSignal.KV_UTILIZATION, Rejection.Reason.DUPLICATE_SERIES),
                arguments("SGLang KV -0.5", SGLANG, edit(SGLANG_KV, SGLANG_KV.replace("0.28", "-0.5")),
                        GaugeSignal.KV_UTILIZATION, Rejection.Reason.NEGATIVE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidReadings")
    void anInvalidReadingIsLeftOutWithItsReason(String name, String fixture, UnaryOperator<String> edit,
            Enum<?> reading, Rejection.Reason reason) {
        String original = new String(Fixtures.engine(fixture), StandardCharsets.UTF_8);
        String edited = edit.apply(original);
        assertThat(edited).as("the edit applies to the fixture").isNotEqualTo(original);

        EngineSample good = read(original);
        EngineSample bad = read(edited);

        assertThat(good.rejections()).isEmpty();
        assertThat(valueOf(bad, reading)).as("unknown, not 0 and not as read").isNull();
        assertThat(bad.rejections()).singleElement().satisfies(r -> {
            assertThat(r.reading()).isEqualTo(reading);
            assertThat(r.reason()).isEqualTo(reason);
            assertThat(r.detail()).isNotBlank();
        });
        assertThat(bad.rejection(reading)).isPresent();
        // everything else reads as it did
        for (GaugeSignal g : GaugeSignal.values()) {
            if (g != reading) {
                assertThat(bad.gauges().get(g)).as(g.name()).isEqualTo(good.gauges().get(g));
            }
        }
        assertThat(bad.counters()).isEqualTo(good.counters());
    }

    private static Object valueOf(EngineSample s, Enum<?> reading) {
        if (reading instanceof GaugeSignal g) {
            return s.gauges().get(g);
        }
        if (reading instanceof CounterSignal c) {
            return s.counters().get(c);
        }
        return s.latencies().get((LatencySignal) reading);
    }

    private static EngineSample read(String body) {
        ReadOutcome outcome = new SampleReader(DialectRegistry.standard())
                .read(body.getBytes(StandardCharsets.UTF_8), ExpositionFormat.PROMETHEUS_TEXT, AT);
        assertThat(outcome).isInstanceOf(ReadOutcome.Read.class);
        return ((ReadOutcome.Read) outcome).sample();
    }

    private static UnaryOperator<String> edit(String line, String replacement) {
        return text -> text.replace(line + "\n", replacement.isEmpty() ? "" : replacement + "\n");
    }
}
