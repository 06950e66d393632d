package dev.headroom.collectors.bench;

import dev.headroom.collectors.engine.EngineReading;
import dev.headroom.collectors.engine.VllmDialect;
import dev.headroom.collectors.exposition.Exposition;
import dev.headroom.collectors.exposition.ExpositionException;
import dev.headroom.collectors.exposition.ExpositionFormat;
import dev.headroom.collectors.exposition.ExpositionParser;
import dev.headroom.collectors.exposition.FamilyFilter;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One scrape's worth of work on real vLLM payloads: parse the bytes and map them to an EngineSample through the
 * vLLM dialect, as the sidecar does every second with a warm parser. Each operation is one <em>sample line</em>
 * ({@code @OperationsPerInvocation} = sample lines in the payload), so the time and {@code gc.alloc.rate.norm}
 * JMH prints are per sample.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ParserBenchmark {

    /** Sample lines (not comments) in each payload; checked in setup. */
    static final int V1_SAMPLES = 368;
    static final int V0_SAMPLES = 120;

    private static final Instant AT = Instant.parse("2025-01-01T00:00:00Z");

    private byte[] v1;
    private byte[] v0;
    private ExpositionParser parser;
    private VllmDialect dialect;

    @Setup
    public void setUp() throws Exception {
        v1 = fixture("vllm-v1-0.10-ascend-qwen2.5-0.5b-pymotor-d87b6eb.prom");
        v0 = fixture("vllm-v0.4-datadog-e99474c.prom");
        parser = new ExpositionParser();
        dialect = new VllmDialect();
        check(v1, V1_SAMPLES);
        check(v0, V0_SAMPLES);
    }

    private void check(byte[] body, int samples) throws ExpositionException {
        int seen = parser.parse(body, ExpositionFormat.PROMETHEUS_TEXT).sampleCount();
        if (seen != samples) {
            throw new IllegalStateException("expected " + samples + " samples, payload has " + seen);
        }
    }

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = ParserBenchmark.class.getResourceAsStream("/fixtures/engines/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return in.readAllBytes();
        }
    }

    /** The sidecar's path on vLLM V1: parse keeping only the dialect's families, then map. */
    @Benchmark
    @OperationsPerInvocation(V1_SAMPLES)
    public EngineReading vllmV1ToSample() throws ExpositionException {
        Exposition e = parser.parse(v1, ExpositionFormat.PROMETHEUS_TEXT, dialect.families());
        return dialect.read(e, AT);
    }

    @Benchmark
    @OperationsPerInvocation(V0_SAMPLES)
    public EngineReading vllmV0ToSample() throws ExpositionException {
        Exposition e = parser.parse(v0, ExpositionFormat.PROMETHEUS_TEXT, dialect.families());
        return dialect.read(e, AT);
    }

    /** The parser alone keeping every family (what {@code inspect} does): the worst case per sample. */
    @Benchmark
    @OperationsPerInvocation(V1_SAMPLES)
    public Exposition vllmV1ParseEverything() throws ExpositionException {
        return parser.parse(v1, ExpositionFormat.PROMETHEUS_TEXT, FamilyFilter.ALL);
    }
}
