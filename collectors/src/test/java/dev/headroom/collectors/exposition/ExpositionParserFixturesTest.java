package dev.headroom.collectors.exposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.headroom.collectors.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every real payload in the fixtures parses, with values read back exactly. */
class ExpositionParserFixturesTest {

    private final ExpositionParser parser = new ExpositionParser();

    private Exposition parse(String file) throws ExpositionException {
        ExpositionFormat format = file.endsWith(".om.txt") ? ExpositionFormat.OPENMETRICS : ExpositionFormat.PROMETHEUS_TEXT;
        return parser.parse(Fixtures.engine(file), format);
    }

    private static double value(Exposition e, String family, String sample, String... labels) {
        MetricFamily f = e.family(family);
        assertThat(f).as("family %s", family).isNotNull();
        Labels wanted = Labels.of(labels);
        for (Sample s : f.samples()) {
            if (s.name().equals(sample) && containsAll(s.labels(), wanted)) {
                return s.value();
            }
        }
        throw new AssertionError("no sample " + sample + wanted + " in " + family);
    }

    private static boolean containsAll(Labels have, Labels wanted) {
        for (int i = 0; i < wanted.size(); i++) {
            if (!wanted.value(i).equals(have.get(wanted.name(i)))) {
                return false;
            }
        }
        return true;
    }

    static Stream<Arguments> everyValidFixture() throws IOException {
        List<Arguments> rows = new ArrayList<>();
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/engines/SOURCES.md")) {
            String sources = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(sources).contains("DataDog/integrations-core");
        }
        for (String f : List.of("dcgm-exporter-datadog-2931c10.prom", Fixtures.NIM,
                "openmetrics-testdata-counter_exemplars.om.txt", "openmetrics-testdata-counter_unit.om.txt",
                "openmetrics-testdata-empty_help.om.txt", "openmetrics-testdata-histogram_exemplars.om.txt",
                "openmetrics-testdata-histogram_noncanonical.om.txt", "openmetrics-testdata-labels_and_infinite.om.txt",
                "openmetrics-testdata-leading_zeros_float_gauge.om.txt", "openmetrics-testdata-nan_gauge.om.txt",
                "openmetrics-testdata-roundtrip.om.txt", "sglang-v0.4-docs-production_metrics-00b08c4.prom",
                Fixtures.TGI, "triton-2.x-densenet-datadog-f6e5f92.prom",
                "triton-core-counters-tensorrtllm_backend-README.prom", "triton-summary-server-docs-e1db8a6.prom",
                "trtllm-triton-ifb-tensorrtllm_backend-README.prom", "trtllm-triton-v1-tensorrtllm_backend-README.prom",
                Fixtures.VLLM_MIXED, Fixtures.VLLM_V0, Fixtures.VLLM_V1)) {
            rows.add(Arguments.of(f));
        }
        return rows.stream();
    }

    @ParameterizedTest
    @MethodSource("everyValidFixture")
    void everyValidFixtureParsesAndKeepsEverySampleLine(String file) throws Exception {
        Exposition e = parse(file);
        int kept = e.families().values().stream().mapToInt(f -> f.samples().size()).sum();
        long sampleLines = new String(Fixtures.engine(file), StandardCharsets.UTF_8).lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).count();
        assertThat(kept).isEqualTo(e.sampleCount()).isEqualTo((int) sampleLines);
        assertThat(e.seenFamilyNames()).hasSize(e.families().size());
    }

    @Test
    void vllmV1AscendPayload() throws Exception {
        Exposition e = parse(Fixtures.VLLM_V1);
        assertThat(e.sampleCount()).isEqualTo(368);
        String model = "/job/model/Qwen2.5-0.5B-Instruct";
        assertThat(value(e, "vllm:kv_cache_usage_perc", "vllm:kv_cache_usage_perc", "engine", "0"))
                .isEqualTo(1.3798051715085968e-05);
        assertThat(value(e, "process_virtual_memory_bytes", "process_virtual_memory_bytes")).isEqualTo(2.9940645888e+10);
        assertThat(value(e, "vllm:request_success_total", "vllm:request_success_total", "finished_reason", "length",
                "model_name", model)).isEqualTo(2.0);
        assertThat(value(e, "vllm:time_to_first_token_seconds", "vllm:time_to_first_token_seconds_sum"))
                .isEqualTo(0.12277722358703613);
        assertThat(value(e, "vllm:time_to_first_token_seconds", "vllm:time_to_first_token_seconds_bucket", "le", "0.06"))
                .isEqualTo(2.0);
        MetricFamily ttft = e.family("vllm:time_to_first_token_seconds");
        assertThat(ttft.type()).isEqualTo(MetricType.HISTOGRAM);
        assertThat(ttft.help()).isEqualTo("Histogram of time to first token in seconds.");
        // _created is its own gauge family in vLLM V1, not part of the counter
        assertThat(e.family("vllm:prompt_tokens_created").type()).isEqualTo(MetricType.GAUGE);
        assertThat(e.family("vllm:cache_config_info").samples().get(0).label("num_gpu_blocks")).isEqualTo("72474");
        // a histogram whose family name ends in _total keeps its samples
        assertThat(e.family("vllm:iteration_tokens_total").samples()).isNotEmpty();
    }

    @Test
    void vllmV0PayloadWithoutTrailingNewline() throws Exception {
        byte[] body = Fixtures.engine(Fixtures.VLLM_V0);
        assertThat(body[body.length - 1]).isNotEqualTo((byte) '\n');
        Exposition e = parse(Fixtures.VLLM_V0);
        assertThat(value(e, "process_cpu_seconds_total", "process_cpu_seconds_total")).isEqualTo(10.950000000000001);
        assertThat(value(e, "vllm:generation_tokens_total", "vllm:generation_tokens_total")).isEqualTo(7.0);
        assertThat(value(e, "process_max_fds", "process_max_fds")).isEqualTo(1_048_576.0);
        assertThat(e.family("vllm:prompt_tokens_total").type()).isEqualTo(MetricType.COUNTER);
    }

    @Test
    void nimPayloadWithThreeDigitExponents() throws Exception {
        Exposition e = parse(Fixtures.NIM);
        assertThat(value(e, "process_virtual_memory_bytes", "process_virtual_memory_bytes")).isEqualTo(1.15891634176e+11);
        assertThat(value(e, "gpu_cache_usage_perc", "gpu_cache_usage_perc")).isEqualTo(0.0002848191398461977);
        assertThat(value(e, "num_request_max", "num_request_max")).isEqualTo(64.0);
    }

    @Test
    void tgiPayloadWithBlankLinesAndAThousandBuckets() throws Exception {
        Exposition e = parse(Fixtures.TGI);
        assertThat(value(e, "tgi_request_count", "tgi_request_count")).isEqualTo(111.0);
        assertThat(e.family("tgi_request_count").type()).isEqualTo(MetricType.COUNTER);
        assertThat(value(e, "tgi_queue_size", "tgi_queue_size")).isEqualTo(0.0);
        assertThat(value(e, "tgi_request_mean_time_per_token_duration", "tgi_request_mean_time_per_token_duration_bucket",
                "le", "0.00015000000000000001")).isEqualTo(0.0);
        assertThat(e.family("tgi_batch_inference_duration").samples()
                .stream().filter(s -> s.name().endsWith("_bucket")).count()).isEqualTo(72);
    }

    @Test
    void sglangSumBeforeBuckets() throws Exception {
        Exposition e = parse("sglang-v0.4-docs-production_metrics-00b08c4.prom");
        MetricFamily tpot = e.family("sglang:time_per_output_token_seconds");
        assertThat(tpot.samples().get(0).name()).isEqualTo("sglang:time_per_output_token_seconds_sum");
        assertThat(tpot.samples().get(0).value()).isEqualTo(866964.5791549598);
        assertThat(value(e, "sglang:time_per_output_token_seconds", "sglang:time_per_output_token_seconds_bucket",
                "le", "0.01")).isEqualTo(73.0);
        assertThat(value(e, "sglang:token_usage", "sglang:token_usage")).isEqualTo(0.28);
    }

    @Test
    void tritonCountersEndingInCountAndSummaries() throws Exception {
        Exposition core = parse("triton-core-counters-tensorrtllm_backend-README.prom");
        assertThat(core.family("nv_inference_count").type()).isEqualTo(MetricType.COUNTER);
        assertThat(value(core, "nv_inference_count", "nv_inference_count", "model", "tensorrt_llm")).isEqualTo(0.0);

        Exposition summary = parse("triton-summary-server-docs-e1db8a6.prom");
        MetricFamily queue = summary.family("nv_inference_queue_summary_us");
        assertThat(queue.type()).isEqualTo(MetricType.SUMMARY);
        assertThat(value(summary, queue.name(), "nv_inference_queue_summary_us", "quantile", "0.999")).isEqualTo(101.0);
        assertThat(value(summary, queue.name(), "nv_inference_queue_summary_us_count")).isEqualTo(161.0);

        Exposition densenet = parse("triton-2.x-densenet-datadog-f6e5f92.prom");
        assertThat(densenet.family("nv_inference_request_summary_us").type()).isEqualTo(MetricType.SUMMARY);

        Exposition ifb = parse("trtllm-triton-ifb-tensorrtllm_backend-README.prom");
        assertThat(value(ifb, "nv_trt_llm_request_metrics", "nv_trt_llm_request_metrics", "request_type", "waiting"))
                .isEqualTo(1.0);
        assertThat(value(ifb, "nv_trt_llm_kv_cache_block_metrics", "nv_trt_llm_kv_cache_block_metrics",
                "kv_cache_block_type", "fraction")).isEqualTo(0.4875);
        Exposition v1 = parse("trtllm-triton-v1-tensorrtllm_backend-README.prom");
        assertThat(value(v1, "nv_trt_llm_v1_metrics", "nv_trt_llm_v1_metrics", "v1_specific_metric",
                "total_context_tokens")).isEqualTo(5.0);
    }

    @Test
    void dcgmEmptyHelpAndNoteComments() throws Exception {
        Exposition e = parse("dcgm-exporter-datadog-2931c10.prom");
        assertThat(e.family("DCGM_FI_DEV_FB_RESERVED").help()).isEmpty();
        assertThat(e.family("DCGM_FI_DEV_FB_USED").help()).isEqualTo("Framebuffer memory used (in MiB).");
        assertThat(value(e, "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_USED", "modelName", "Tesla T4")).isEqualTo(0.0);
    }

    @Test
    void openMetricsCounterWithExemplarAndTimestamp() throws Exception {
        Exposition e = parse("openmetrics-testdata-counter_exemplars.om.txt");
        MetricFamily a = e.family("a");
        assertThat(a.type()).isEqualTo(MetricType.COUNTER);
        assertThat(a.help()).isEqualTo("help");
        Sample s = a.samples().get(0);
        assertThat(s.name()).isEqualTo("a_total");
        assertThat(s.value()).isEqualTo(0.0);
        assertThat(s.timestampMillis()).isEqualTo(123_000L);
        assertThat(s.exemplar().labels()).isEqualTo(Labels.of("a", "b"));
        assertThat(s.exemplar().value()).isEqualTo(0.5);
        assertThat(s.exemplar().timestamp()).isEmpty();
    }

    @Test
    void openMetricsUnitAndCreatedInsideTheFamily() throws Exception {
        Exposition e = parse("openmetrics-testdata-counter_unit.om.txt");
        MetricFamily cc = e.family("cc_seconds");
        assertThat(cc.unit()).isEqualTo("seconds");
        assertThat(cc.first("cc_seconds_total").value()).isEqualTo(1.0);
        assertThat(cc.first("cc_seconds_created").value()).isEqualTo(123.456);
        assertThat(e.families()).hasSize(1);
    }

    @Test
    void openMetricsEmptyHelp() throws Exception {
        MetricFamily a = parse("openmetrics-testdata-empty_help.om.txt").family("a");
        assertThat(a.help()).isEmpty();
        assertThat(a.first("a_total").value()).isEqualTo(1.0);
    }

    @Test
    void openMetricsHistogramExemplarsWithLongLabelValue() throws Exception {
        MetricFamily a = parse("openmetrics-testdata-histogram_exemplars.om.txt").family("a");
        Sample inf = a.samples().get(2);
        assertThat(inf.label("le")).isEqualTo("+Inf");
        assertThat(inf.value()).isEqualTo(3.0);
        assertThat(inf.exemplar().labels().get("a")).hasSize(127); // OpenMetrics: name + value within 128 characters
        assertThat(inf.exemplar().value()).isEqualTo(4.0);
        assertThat(inf.exemplar().timestampMillis()).isEqualTo(123_000L);
    }

    @Test
    void openMetricsNonCanonicalBucketBoundsCompareNumerically() throws Exception {
        MetricFamily a = parse("openmetrics-testdata-histogram_noncanonical.om.txt").family("a");
        double[] bounds = a.samples().stream().filter(s -> s.name().equals("a_bucket"))
                .mapToDouble(s -> ExpositionNumbers.parseDouble(s.label("le"))).toArray();
        assertThat(bounds).containsExactly(0, 1e-11, 1e-10, 1e-4, 1.1e-4, 1.1e-3, 1.1e-2, 1, 1e5, 1e10, 1e11,
                Double.POSITIVE_INFINITY);
        assertThat(a.first("a_count").value()).isEqualTo(3.0);
        assertThat(a.first("a_sum").value()).isEqualTo(2.0);
    }

    @Test
    void openMetricsInfinitiesNaNAndLeadingZeros() throws Exception {
        MetricFamily inf = parse("openmetrics-testdata-labels_and_infinite.om.txt").family("a");
        assertThat(inf.samples()).extracting(Sample::value)
                .containsExactly(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
        assertThat(inf.samples().get(1).label("foo")).isEqualTo("baz");
        assertThat(parse("openmetrics-testdata-nan_gauge.om.txt").family("a").samples().get(0).value()).isNaN();
        assertThat(parse("openmetrics-testdata-leading_zeros_float_gauge.om.txt").family("a").samples().get(0).value())
                .isEqualTo(0.12);
    }

    @Test
    void openMetricsRoundtrip() throws Exception {
        Exposition e = parse("openmetrics-testdata-roundtrip.om.txt");
        assertThat(e.families()).hasSize(9);
        assertThat(value(e, "go_gc_duration_seconds", "go_gc_duration_seconds", "quantile", "0.0"))
                .isEqualTo(0.013300656000000001);
        assertThat(value(e, "prometheus_local_storage_indexing_batch_duration_milliseconds",
                "prometheus_local_storage_indexing_batch_duration_milliseconds", "quantile", "0.5")).isNaN();
        assertThat(value(e, "prometheus_local_storage_chunk_ops", "prometheus_local_storage_chunk_ops_total",
                "type", "drop")).isEqualTo(1_345_758.0);
        assertThat(value(e, "foo", "foo_bucket", "le", "1.55555555555552e+06")).isEqualTo(17.0);
        assertThat(value(e, "foo", "foo_created")).isEqualTo(1.520430000123e+09);
        assertThat(value(e, "process_virtual_memory_bytes", "process_virtual_memory_bytes")).isEqualTo(2.478268416e+09);
        assertThat(e.family("prometheus_build_info").samples().get(0).labels())
                .isEqualTo(Labels.of("branch", "HEAD", "revision", "ef176e5", "version", "0.16.0rc1"));
        assertThat(e.format()).isEqualTo(ExpositionFormat.OPENMETRICS);
    }

    @Test
    void theMalformedTritonHistogramIsReportedNotGuessed() {
        assertThatThrownBy(() -> parse(Fixtures.TRITON_MALFORMED))
                .isInstanceOfSatisfying(ExpositionException.class, ex -> {
                    assertThat(ex.line()).isEqualTo(3);
                    assertThat(ex.column()).isEqualTo(1);
                    assertThat(ex.detail()).contains("histogram family 'nv_first_response_histogram_ms'",
                            "TYPE on line 2", "nv_first_response_histogram_ms_bucket",
                            "found 'nv_inference_first_response_histogram_ms_count'");
                });
    }

    @Test
    void skippedFamiliesAreSeenButNotBuilt() throws Exception {
        Exposition e = parser.parse(Fixtures.engine(Fixtures.VLLM_V1), ExpositionFormat.PROMETHEUS_TEXT,
                name -> name.equals("vllm:num_requests_running"));
        assertThat(e.families()).containsOnlyKeys("vllm:num_requests_running");
        assertThat(e.sawFamily("vllm:kv_cache_usage_perc")).isTrue();
        assertThat(e.sawFamily("sglang:token_usage")).isFalse();
        assertThat(e.seenFamilyNames()).hasSize(67);
        assertThat(e.sampleCount()).isEqualTo(368);
    }

    @Test
    void aReusedParserInternsNamesAndGivesTheSameValues() throws Exception {
        byte[] body = Fixtures.engine(Fixtures.VLLM_V1);
        Exposition first = parser.parse(body, ExpositionFormat.PROMETHEUS_TEXT);
        Exposition second = parser.parse(ByteBuffer.wrap(body), ExpositionFormat.PROMETHEUS_TEXT, FamilyFilter.ALL);
        Sample a = first.family("vllm:num_requests_running").samples().get(0);
        Sample b = second.family("vllm:num_requests_running").samples().get(0);
        assertThat(b).isEqualTo(a);
        assertThat(b.label("model_name")).isSameAs(a.label("model_name"));
        assertThat(second.families().keySet()).containsExactlyElementsOf(first.families().keySet());
    }

    @Test
    void sniffsOpenMetricsFromTheEofLine() {
        assertThat(ExpositionFormat.sniff(Fixtures.engine("openmetrics-testdata-nan_gauge.om.txt")))
                .isEqualTo(ExpositionFormat.OPENMETRICS);
        assertThat(ExpositionFormat.sniff(Fixtures.engine(Fixtures.VLLM_V0))).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
        assertThat(ExpositionFormat.fromContentType("application/openmetrics-text; version=1.0.0; charset=utf-8"))
                .isEqualTo(ExpositionFormat.OPENMETRICS);
        assertThat(ExpositionFormat.fromContentType("text/plain; version=0.0.4")).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
    }

    @Test
    void numbersFromTheFormatsList() {
        assertThat(ExpositionNumbers.parseDouble("8.969000")).isEqualTo(8.969);
        assertThat(ExpositionNumbers.parseDouble("1.15891634176e+011")).isEqualTo(1.15891634176e11);
        assertThat(ExpositionNumbers.parseDouble("1e+05")).isEqualTo(100_000.0);
        assertThat(ExpositionNumbers.parseDouble("-inf")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(ExpositionNumbers.parseDouble("+Inf")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(ExpositionNumbers.parseDouble("nan")).isNaN();
        assertThat(ExpositionNumbers.parseDouble("0.1")).isEqualTo(0.1);
        assertThat(ExpositionNumbers.parseDouble("1.3798051715085968e-05")).isEqualTo(1.3798051715085968e-05);
        assertThat(ExpositionNumbers.parseDouble("123456789012345678901234")).isCloseTo(1.2345678901234568e23, within(1e8));
        for (String bad : List.of("", "1e", "abc", "1.2.3", "--1", "0x10", "1d")) {
            assertThatThrownBy(() -> ExpositionNumbers.parseDouble(bad)).as(bad).isInstanceOf(NumberFormatException.class);
        }
    }
}
