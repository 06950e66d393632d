package dev.headroom.collectors.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.collectors.Fixtures;
import dev.headroom.collectors.exposition.ExpositionFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InspectionTest {

    private static final Instant AT = Instant.parse("2025-06-01T12:00:00Z");
    private final Inspection inspection = new Inspection();

    @Test
    void recognisedPayloadListsTheFamiliesNotRead() {
        InspectionResult r = inspection.inspect(Fixtures.engine(Fixtures.VLLM_V1), null, "auto", AT);
        assertThat(r).isInstanceOfSatisfying(InspectionResult.Recognised.class, rec -> {
            assertThat(rec.dialect()).isEqualTo("vllm");
            assertThat(rec.format()).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
            assertThat(rec.sample().engine().dialect()).isEqualTo("vllm-v1");
            assertThat(rec.sample().scrapedAt()).isEqualTo(AT);
            assertThat(rec.usedFamilies()).hasSize(12);
            assertThat(rec.unusedFamilies()).hasSize(67 - 12)
                    .contains("vllm:gpu_cache_usage_perc", "python_gc_objects_collected_total", "vllm:prompt_tokens_created");
        });
    }

    @Test
    void malformedPayloadGivesLineAndColumn() {
        InspectionResult r = inspection.inspect(Fixtures.engine(Fixtures.TRITON_MALFORMED), "text/plain", "auto", AT);
        assertThat(r).isInstanceOfSatisfying(InspectionResult.Malformed.class, m -> {
            assertThat(m.error().line()).isEqualTo(3);
            assertThat(m.error().column()).isEqualTo(1);
        });
    }

    @Test
    void unrecognisedPayloadSaysWhatWasSeen() {
        InspectionResult r = inspection.inspect(Fixtures.engine("dcgm-exporter-datadog-2931c10.prom"), null, "auto", AT);
        assertThat(r).isInstanceOfSatisfying(InspectionResult.Unrecognised.class, u -> {
            assertThat(u.familiesSeen()).contains("DCGM_FI_DEV_GPU_UTIL");
            assertThat(u.message()).startsWith("no dialect (vllm, sglang, tgi, triton, trtllm-serve, llamacpp, lmdeploy)"
                    + " recognised these " + u.familiesSeen().size() + " families: ")
                    .contains("configure the generic dialect: SIGNAL.metric=FAMILY");
        });
        InspectionResult empty = inspection.inspect("# nothing here\n".getBytes(StandardCharsets.UTF_8), null, "auto", AT);
        assertThat(empty).isInstanceOfSatisfying(InspectionResult.Unrecognised.class,
                u -> assertThat(u.message()).contains("empty payload"));
    }
}
