package dev.headroom.collectors.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headroom.collectors.Fixtures;
import dev.headroom.collectors.exposition.Exposition;
import dev.headroom.collectors.exposition.ExpositionFormat;
import dev.headroom.collectors.exposition.ExpositionParser;
import dev.headroom.collectors.exposition.ParserLimits;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The one path from a body to a sample, on the real engine fixtures. */
class SampleReaderTest {

    private static final Instant AT = Instant.parse("2025-06-01T12:00:00Z");
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final SampleReader reader = new SampleReader(DialectRegistry.standard());

    private ReadOutcome read(SampleReader r, byte[] body, String contentType) {
        return r.read(body, 0, body.length, contentType, AT);
    }

    @Test
    void detectsTheDialectAndSaysWhatItReadAndWhatItSaw() {
        ReadOutcome outcome = read(reader, Fixtures.engine(Fixtures.VLLM_V1), PROMETHEUS);
        assertThat(outcome).isInstanceOfSatisfying(ReadOutcome.Read.class, r -> {
            assertThat(r.dialect()).isEqualTo("vllm");
            assertThat(r.format()).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
            assertThat(r.sample().engine().dialect()).isEqualTo("vllm-v1");
            assertThat(r.sample().scrapedAt()).isEqualTo(AT);
            assertThat(r.sample().gauge(GaugeSignal.RUNNING)).isPresent();
            assertThat(r.usedFamilies()).hasSize(12).contains("vllm:num_requests_running");
            assertThat(r.familiesSeen()).hasSize(67).contains("python_gc_objects_collected_total");
            assertThat(r.unusedFamilies()).hasSize(67 - 12).doesNotContainAnyElementsOf(r.usedFamilies());
        });
    }

    @Test
    void readsTheSameSampleAsTheDialectOnAnExpositionParsedWithEveryFamily() throws Exception {
        byte[] body = Fixtures.engine(Fixtures.VLLM_MIXED);
        Exposition all = new ExpositionParser()
                .parse(body, ExpositionFormat.PROMETHEUS_TEXT);
        EngineReading direct = new VllmDialect().read(all, AT);
        ReadOutcome.Read viaReader = (ReadOutcome.Read) read(reader, body, PROMETHEUS);
        assertThat(viaReader.sample()).isEqualTo(direct.sample());
        assertThat(viaReader.usedFamilies()).isEqualTo(direct.usedFamilies());
    }

    @Test
    void aConfiguredDialectIsUsedWithoutDetection() {
        SampleReader lmdeploy = new SampleReader(DialectRegistry.standard(), "lmdeploy", ParserLimits.DEFAULTS);
        assertThat(lmdeploy.configured()).map(EngineDialect::name).contains("lmdeploy");
        ReadOutcome outcome = read(lmdeploy, Fixtures.engine(Fixtures.VLLM_V1), PROMETHEUS);
        assertThat(outcome).isInstanceOfSatisfying(ReadOutcome.Read.class, r -> {
            assertThat(r.dialect()).isEqualTo("lmdeploy");
            assertThat(r.usedFamilies()).isEmpty();
            assertThat(r.sample().gauges()).isEmpty();
        });
    }

    @Test
    void anUnknownDialectNameIsRefusedWithTheAcceptedNames() {
        assertThatThrownBy(() -> new SampleReader(DialectRegistry.standard(), "vllm2", ParserLimits.DEFAULTS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown engine dialect 'vllm2'")
                .hasMessageContaining("lmdeploy");
    }

    @Test
    void theContentTypeChoosesTheFormat() {
        String om = "# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running 3\n"
                + "# TYPE vllm:prompt_tokens counter\nvllm:prompt_tokens_total 120\n# EOF\n";
        ReadOutcome asOpenMetrics = read(reader, om.getBytes(StandardCharsets.UTF_8), OPENMETRICS);
        assertThat(asOpenMetrics).isInstanceOfSatisfying(ReadOutcome.Read.class, r -> {
            assertThat(r.format()).isEqualTo(ExpositionFormat.OPENMETRICS);
            assertThat(r.sample().counter(CounterSignal.PROMPT_TOKENS)).hasValue(120.0);
        });
        // The same Prometheus text body announced as OpenMetrics lacks '# EOF'.
        byte[] text = "vllm:num_requests_running 3\n".getBytes(StandardCharsets.UTF_8);
        assertThat(read(reader, text, OPENMETRICS)).isInstanceOfSatisfying(ReadOutcome.Malformed.class,
                m -> assertThat(m.error().getMessage()).contains("# EOF"));
        assertThat(read(reader, text, null)).isInstanceOf(ReadOutcome.Read.class);
    }

    @Test
    void aMalformedBodyNamesLineAndColumn() {
        ReadOutcome outcome = read(reader, Fixtures.engine(Fixtures.TRITON_MALFORMED), "text/plain");
        assertThat(outcome).isInstanceOfSatisfying(ReadOutcome.Malformed.class, m -> {
            assertThat(m.line()).isEqualTo(3);
            assertThat(m.column()).isEqualTo(1);
        });
    }

    @Test
    void anUnrecognisedBodyCarriesTheRegistrysMessageWithTenFamiliesAndEveryFamilyForInspection() {
        byte[] dcgm = Fixtures.engine("dcgm-exporter-datadog-2931c10.prom");
        ReadOutcome outcome = read(reader, dcgm, PROMETHEUS);
        assertThat(outcome).isInstanceOfSatisfying(ReadOutcome.Unrecognised.class, u -> {
            assertThat(u.familiesSeen()).hasSizeGreaterThan(10).contains("DCGM_FI_DEV_GPU_UTIL");
            assertThat(u.message()).isEqualTo(DialectRegistry.standard().unrecognisedMessage(u.familiesSeen(), 10));
        });
        ReadOutcome inspected = read(reader.everyFamily(), dcgm, PROMETHEUS);
        assertThat(inspected).isInstanceOfSatisfying(ReadOutcome.Unrecognised.class, u -> assertThat(u.message())
                .isEqualTo(DialectRegistry.standard().unrecognisedMessage(u.familiesSeen(), 30)));
    }

    @Test
    void readsOnlyTheGivenSliceOfALargerBuffer() {
        byte[] payload = Fixtures.engine(Fixtures.VLLM_V0);
        byte[] padded = new byte[payload.length + 20];
        byte[] junk = "garbage{{{\n".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(junk, 0, padded, 0, junk.length);
        System.arraycopy(payload, 0, padded, 10, payload.length);
        padded[9] = '\n';
        ReadOutcome outcome = reader.read(padded, 10, payload.length, PROMETHEUS, AT);
        assertThat(outcome).isInstanceOfSatisfying(ReadOutcome.Read.class,
                r -> assertThat(r.sample()).isEqualTo(((ReadOutcome.Read) read(reader, payload, PROMETHEUS)).sample()));
    }

    @Test
    void theParseStepAloneBuildsOnlyTheFamiliesAskedFor() throws Exception {
        byte[] dcgm = Fixtures.engine("dcgm-exporter-datadog-2931c10.prom");
        Exposition e = reader.parse(dcgm, 0, dcgm.length, PROMETHEUS, Set.of("DCGM_FI_DEV_GPU_UTIL")::contains);
        assertThat(e.families()).containsOnlyKeys("DCGM_FI_DEV_GPU_UTIL");
        assertThat(e.seenFamilyNames()).hasSizeGreaterThan(1);
    }

    @Test
    void oneReaderSharedByThreadsReadsEveryPayloadAsAloneWouldDo() throws Exception {
        byte[] v1 = Fixtures.engine(Fixtures.VLLM_V1);
        byte[] tgi = Fixtures.engine(Fixtures.TGI);
        ReadOutcome.Read v1Alone = (ReadOutcome.Read) read(new SampleReader(DialectRegistry.standard()), v1, PROMETHEUS);
        ReadOutcome.Read tgiAlone = (ReadOutcome.Read) read(new SampleReader(DialectRegistry.standard()), tgi, PROMETHEUS);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                boolean vllm = t % 2 == 0;
                Callable<Boolean> task = () -> {
                    for (int i = 0; i < 100; i++) {
                        ReadOutcome.Read r = (ReadOutcome.Read) read(reader, vllm ? v1 : tgi, PROMETHEUS);
                        if (!r.equals(vllm ? v1Alone : tgiAlone)) {
                            return false;
                        }
                    }
                    return true;
                };
                results.add(pool.submit(task));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
