package dev.headroom.collectors;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads the engine payloads copied under {@code src/test/resources/fixtures/engines} (see SOURCES.md there). */
public final class Fixtures {

    public static final String VLLM_V0 = "vllm-v0.4-datadog-e99474c.prom";
    public static final String VLLM_V1 = "vllm-v1-0.10-ascend-qwen2.5-0.5b-pymotor-d87b6eb.prom";
    public static final String VLLM_MIXED = "vllm-mixed-v0v1-datadog-5b8d70d.prom";
    public static final String NIM = "nim-llm-datadog-8b7db5d.prom";
    public static final String TGI = "tgi-datadog-9e390cd.prom";
    public static final String TRITON_MALFORMED = "triton-histogram-server-docs-e1db8a6-MALFORMED.prom";

    private Fixtures() {
    }

    public static byte[] engine(String file) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/engines/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
