package dev.headroom.collectors.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.collectors.engine.DialectRegistry;
import dev.headroom.collectors.engine.GaugeSignal;
import dev.headroom.collectors.engine.ReadOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile bodies of issue 14, served by a real loopback engine to the real {@link Scraper} with its default
 * limits: each is a typed failure whose message says what, and the next good scrape through the same scraper
 * succeeds. Twice each, since the second scrape is the one that used to run out of memory.
 */
class ScraperHostileBodiesTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T10:00:00Z"), ZoneOffset.UTC);
    private static HostileEngine engine;

    @BeforeAll
    static void start() throws IOException {
        engine = new HostileEngine();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static Stream<Arguments> hostile() {
        return Stream.of(
                // path, kind, message fragment
                Arguments.of("/names", FailureKind.TOO_LARGE, "more than 10000 distinct families in one body"),
                Arguments.of("/big", FailureKind.TOO_LARGE, "body is larger than the limit of 4194304 bytes"),
                Arguments.of("/bomb", FailureKind.TOO_LARGE, "gzip body inflates past the limit of 4194304 bytes"),
                Arguments.of("/line", FailureKind.TOO_LARGE, "body is larger than the limit of 4194304 bytes"),
                Arguments.of("/longline", FailureKind.TOO_LARGE, "line longer than 65536 bytes (ParserLimits.maxLineBytes)"),
                Arguments.of("/bom", FailureKind.MALFORMED, "the body starts with a UTF-8 byte-order mark"),
                Arguments.of("/gzipnoheader", FailureKind.MALFORMED,
                        "the body is gzip-compressed (starts 1F 8B) but came without 'Content-Encoding: gzip'"),
                Arguments.of("/html", FailureKind.MALFORMED, "the body is an HTML page (starts with '<!DOCTYPE html>')"),
                Arguments.of("/badgzip", FailureKind.MALFORMED,
                        "Content-Encoding is gzip but the body is not valid gzip: the gzip trailer is truncated"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("hostile")
    void aHostileBodyIsATypedFailureAndTheNextGoodScrapeSucceeds(String path, FailureKind kind, String message) {
        Scraper hostile = new Scraper(ScrapeConfig.defaults(engine.url(path)), DialectRegistry.standard(), CLOCK);
        for (int round = 0; round < 2; round++) {
            ScrapeOutcome outcome = hostile.scrape();
            assertThat(outcome).as("round %d", round).isInstanceOfSatisfying(ScrapeOutcome.Failure.class, f -> {
                assertThat(f.kind()).isEqualTo(kind);
                assertThat(f.message()).contains(message).contains(engine.url(path).toString());
            });
        }
        // The same parser (a reader is one per scraper) reads the good body next.
        Scraper same = new Scraper(ScrapeConfig.defaults(engine.url("/good")), DialectRegistry.standard(), CLOCK);
        assertGood(same.scrape());
        // The hostile scraper's own reader (its parser's state released after each failure) reads it too.
        byte[] good = HostileEngine.GOOD.getBytes(StandardCharsets.UTF_8);
        ReadOutcome read = hostile.reader().read(good, 0, good.length, "text/plain; version=0.0.4", CLOCK.instant());
        assertThat(read).isInstanceOfSatisfying(ReadOutcome.Read.class,
                r -> assertThat(r.sample().gauge(GaugeSignal.QUEUE)).hasValue(3.0));
    }

    private static void assertGood(ScrapeOutcome outcome) {
        assertThat(outcome).isInstanceOfSatisfying(ScrapeOutcome.Success.class, s -> {
            assertThat(s.dialect()).isEqualTo("vllm");
            assertThat(s.sample().gauge(GaugeSignal.QUEUE)).hasValue(3.0);
        });
    }

    @Test
    void aGzipBodyWithContentEncodingIsInflatedWithinTheLimit() {
        Scraper scraper = new Scraper(ScrapeConfig.defaults(engine.url("/goodgzip")), DialectRegistry.standard(), CLOCK);
        assertGood(scraper.scrape());
        ScrapeOutcome tight = new Scraper(ScrapeConfig.defaults(engine.url("/goodgzip")).withMaxBodyBytes(64),
                DialectRegistry.standard(), CLOCK).scrape();
        assertThat(tight).isInstanceOfSatisfying(ScrapeOutcome.Failure.class, f -> {
            assertThat(f.kind()).isEqualTo(FailureKind.TOO_LARGE);
            assertThat(f.message()).contains("gzip body inflates past the limit of 64 bytes");
        });
    }
}
