package dev.headroom.collectors.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.headroom.collectors.engine.DialectRegistry;
import dev.headroom.collectors.engine.ReadOutcome;
import dev.headroom.collectors.engine.SampleReader;
import dev.headroom.collectors.exposition.Exposition;
import dev.headroom.collectors.exposition.ExpositionException;
import dev.headroom.collectors.exposition.ExpositionFormat;
import dev.headroom.collectors.exposition.ExpositionParser;
import dev.headroom.collectors.exposition.MetricFamily;
import dev.headroom.collectors.exposition.ParserLimits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of everything a metrics body reaches before it is a sample: the parser in both formats
 * (lenient, as a scrape uses it, and strict), then the {@link SampleReader} with detection and with every registered
 * dialect configured. The only outcomes allowed are a value or an {@link ExpositionException}; any other exception or error is a finding.
 *
 * <p>In the build's test phase (no {@code JAZZER_FUZZ}) each test runs once per seed in
 * {@code src/test/resources/dev/headroom/collectors/fuzz/ExpositionFuzzTestInputs/<method>/} (real engine payloads
 * and the hostile cases) and once on an empty input: a regression test taking well under a second. With
 * {@code JAZZER_FUZZ=1} one test is fuzzed for its {@code maxDuration}. {@link #fuzzerTestOneInput} is the same
 * target for Jazzer's command line, which the long run in {@code src/docs/benchmarks.md} uses.
 *
 * <p>The parser runs with small limits so that inputs a fuzzer can build reach them: each limit's error path is
 * fuzzed too, and what the parser returns is checked against the limits.
 */
class ExpositionFuzzTest {

    private static final ParserLimits SMALL = new ParserLimits(64 * 1024, 500, 64, 256, 8, 1024, 50);
    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private static final ExpositionParser LENIENT = new ExpositionParser(SMALL);
    private static final ExpositionParser STRICT = new ExpositionParser(SMALL, true);
    private static final DialectRegistry REGISTRY = DialectRegistry.standard();
    private static final List<SampleReader> READERS = readers();

    private static List<SampleReader> readers() {
        List<SampleReader> readers = new ArrayList<>();
        readers.add(new SampleReader(REGISTRY, DialectRegistry.AUTO, ParserLimits.DEFAULTS));
        readers.add(new SampleReader(REGISTRY, DialectRegistry.AUTO, ParserLimits.DEFAULTS).everyFamily());
        for (String name : REGISTRY.names()) {
            readers.add(new SampleReader(REGISTRY, name, ParserLimits.DEFAULTS));
        }
        return List.copyOf(readers);
    }

    @FuzzTest(maxDuration = "60s")
    void parserReturnsAValueOrAPositionedError(byte[] body) {
        for (ExpositionFormat format : ExpositionFormat.values()) {
            parseOnce(body, format);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void readerNeverThrowsWithDetectionOrAnyDialect(byte[] body) {
        for (SampleReader reader : READERS) {
            for (ExpositionFormat format : ExpositionFormat.values()) {
                ReadOutcome outcome = reader.read(body, 0, body.length, format, NOW);
                assertThat(outcome).isNotNull();
                if (outcome instanceof ReadOutcome.Read read) {
                    assertThat(read.sample()).isNotNull();
                }
            }
        }
    }

    /**
     * Jazzer's command-line entry point, for long runs: the parser in both formats, the detecting reader in both,
     * and one configured dialect's reader picked by the first byte (all of them per input would be 24 reads).
     */
    public static void fuzzerTestOneInput(byte[] body) {
        SampleReader picked = READERS.get(body.length == 0 ? 0 : (body[0] & 0xff) % READERS.size());
        for (ExpositionFormat format : ExpositionFormat.values()) {
            parseOnce(body, format);
            if (READERS.get(0).read(body, 0, body.length, format, NOW) == null
                    || picked.read(body, 0, body.length, format, NOW) == null) {
                throw new IllegalStateException("a read returned null");
            }
        }
    }

    private static void parseOnce(byte[] body, ExpositionFormat format) {
        parseOnce(LENIENT, body, format);
        parseOnce(STRICT, body, format);
    }

    private static void parseOnce(ExpositionParser parser, byte[] body, ExpositionFormat format) {
        Exposition e;
        try {
            e = parser.parse(body, format);
        } catch (ExpositionException expected) {
            if (expected.line() < 0 || expected.column() < 1 || expected.detail() == null) {
                throw new IllegalStateException("an error without a position: " + expected.getMessage());
            }
            return;
        }
        int samples = 0;
        for (MetricFamily f : e.families().values()) {
            samples += f.samples().size();
        }
        if (samples > SMALL.maxSeries() || e.sampleCount() > SMALL.maxSeries()
                || e.seenFamilyNames().size() > SMALL.maxFamilies()) {
            throw new IllegalStateException("past a limit: " + samples + " samples, " + e.seenFamilyNames().size()
                    + " families");
        }
    }
}
