package dev.headroom.autoscaler.kubernetes;

import dev.headroom.signals.Signal;
import dev.headroom.signals.Signals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the controller reads one sidecar answer: what it trusts, what is unknown, and what it refuses. */
class SidecarSignalsTest {

    static final Instant RECEIVED = Instant.parse("2026-11-27T10:00:00Z");

    /** A /v1/signals body in the sidecar's shape, with {@code signals} and the top-level fields given. */
    static byte[] body(String stale, String ageSeconds, String samples, String signals) {
        return ("""
                {"engine": {"url": "http://10.0.0.7:8000/metrics", "up": true, "dialect": "vllm-v1",
                            "model": "meta-llama/Llama-3.1-8B-Instruct", "version": "0.9.2"},
                 "lastScrape": {"at": "2026-11-27T09:59:59.600Z", "outcome": "ok", "message": null, "durationSeconds": 0.004},
                 "stale": %s, "ageSeconds": %s, "samples": %s,
                 "signals": %s,
                 "units": {"queue": "requests"},
                 "saturation": {"composite": 1.5, "dominant": "queue", "signals": {"queue": 1.5}},
                 "targets": {"queue": 4.0}, "gpus": null}
                """.formatted(stale, ageSeconds, samples, signals)).getBytes(StandardCharsets.UTF_8);
    }

    static Signals parse(byte[] body) throws SidecarReadException {
        return SidecarSignals.parse(body, RECEIVED);
    }

    @Test
    void aFreshAnswerGivesItsValuesAgeAndEngine() throws Exception {
        Signals s = parse(body("false", "0.4", "12",
                "{\"queue\": 6, \"running\": 32.0, \"kv_utilization\": 0.91, \"ttft_p95\": null, \"itl_p95\": null}"));

        assertThat(s.stale()).isFalse();
        assertThat(s.at()).isEqualTo(RECEIVED);
        assertThat(s.age()).isEqualTo(Duration.ofMillis(400));
        assertThat(s.samples()).isEqualTo(12);
        assertThat(s.values()).containsOnlyKeys(Signal.QUEUE, Signal.RUNNING, Signal.KV_UTILIZATION);
        assertThat(s.get(Signal.QUEUE)).hasValue(6.0);
        assertThat(s.get(Signal.KV_UTILIZATION)).hasValue(0.91);
        assertThat(s.engine().dialect()).isEqualTo("vllm-v1");
        assertThat(s.engine().model()).isEqualTo("meta-llama/Llama-3.1-8B-Instruct");
        assertThat(s.engine().version()).isEqualTo("0.9.2");
    }

    @Test
    void nullIsUnknownNeverZero() throws Exception {
        Signals s = parse(body("false", "0.2", "3", "{\"queue\": null, \"running\": 0, \"ttft_p95\": null}"));

        assertThat(s.get(Signal.QUEUE)).as("null is unknown").isEmpty();
        assertThat(s.get(Signal.TTFT_P95)).isEmpty();
        assertThat(s.get(Signal.RUNNING)).as("a reported 0 is a 0").hasValue(0.0);
        assertThat(s.values()).containsOnlyKeys(Signal.RUNNING);
    }

    @Test
    void aKeyThisVersionDoesNotKnowIsSkipped() throws Exception {
        Signals s = parse(body("false", "0.2", "3", "{\"queue\": 2, \"speculative_acceptance\": 0.7}"));
        assertThat(s.values()).containsOnlyKeys(Signal.QUEUE);
    }

    @Test
    void aStaleAnswerCarriesNoValuesWhateverItSays() throws Exception {
        Signals s = parse(body("true", "12.5", "30", "{\"queue\": 0, \"kv_utilization\": 0.0}"));

        assertThat(s.stale()).isTrue();
        assertThat(s.values()).as("stale values are never read as idle").isEmpty();
        assertThat(s.age()).isEqualTo(Duration.ofMillis(12_500));
        assertThat(s.samples()).isEqualTo(30);
    }

    @Test
    void aSidecarThatNeverScrapedIsStaleWithNoAge() throws Exception {
        Signals never = parse(body("true", "null", "0", "{\"queue\": null}"));
        assertThat(never.stale()).isTrue();
        assertThat(never.age()).isEqualTo(Signals.NEVER);
        assertThat(never.hasData()).isFalse();

        Signals noSamples = parse(body("false", "0.1", "0", "{\"queue\": 3}"));
        assertThat(noSamples.stale()).as("no samples cannot be fresh").isTrue();
        assertThat(noSamples.values()).isEmpty();
    }

    @Test
    void anAnswerWithoutAnEngineBlockHasAnUnknownEngine() throws Exception {
        byte[] bare = "{\"stale\": false, \"ageSeconds\": 0.3, \"samples\": 2, \"signals\": {\"queue\": 1}}"
                .getBytes(StandardCharsets.UTF_8);
        Signals s = parse(bare);
        assertThat(s.engine().dialect()).isEqualTo("unknown");
        assertThat(s.engine().model()).isEqualTo("unknown");
        assertThat(s.get(Signal.QUEUE)).hasValue(1.0);
    }

    @Test
    void notJsonIsRefusedAsSuch() {
        assertThatThrownBy(() -> parse("<html>502 Bad Gateway</html>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SidecarReadException.class).hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> parse("{\"stale\": false, \"samples\": 3, \"signals\": {\"queue\": 1".getBytes(
                StandardCharsets.UTF_8)))
                .isInstanceOf(SidecarReadException.class).hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> parse(new byte[0]))
                .isInstanceOf(SidecarReadException.class).hasMessageContaining("JSON object");
    }

    @Test
    void aBodyThatIsNotAnObjectIsRefused() {
        assertThatThrownBy(() -> parse("[{\"queue\": 1}]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SidecarReadException.class).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> parse("42".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SidecarReadException.class).hasMessageContaining("expected a JSON object");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "stale missing          | {\"ageSeconds\": 0.1, \"samples\": 3, \"signals\": {}}                      | 'stale'",
            "stale as a string      | {\"stale\": \"false\", \"ageSeconds\": 0.1, \"samples\": 3, \"signals\": {}} | 'stale'",
            "samples missing        | {\"stale\": false, \"ageSeconds\": 0.1, \"signals\": {}}                    | 'samples'",
            "samples negative       | {\"stale\": false, \"ageSeconds\": 0.1, \"samples\": -1, \"signals\": {}}   | 'samples'",
            "samples as a string    | {\"stale\": false, \"ageSeconds\": 0.1, \"samples\": \"3\", \"signals\": {}} | 'samples'",
            "samples beyond a window | {\"stale\": false, \"ageSeconds\": 0.1, \"samples\": 4097, \"signals\": {}} | 'samples'",
            "signals missing        | {\"stale\": false, \"ageSeconds\": 0.1, \"samples\": 3}                     | 'signals'",
            "signals as a list      | {\"stale\": false, \"ageSeconds\": 0.1, \"samples\": 3, \"signals\": [1]}   | 'signals'",
            "age as a string        | {\"stale\": false, \"ageSeconds\": \"0.1\", \"samples\": 3, \"signals\": {}} | 'ageSeconds'",
            "age negative           | {\"stale\": false, \"ageSeconds\": -2, \"samples\": 3, \"signals\": {}}     | 'ageSeconds'",
            "fresh without an age   | {\"stale\": false, \"ageSeconds\": null, \"samples\": 3, \"signals\": {}}   | 'ageSeconds' is null",
            "a value as a string    | {\"stale\": false, \"ageSeconds\": 0.1, \"samples\": 3, \"signals\": {\"queue\": \"6\"}}   | signal 'queue'",
            "a value as a boolean   | {\"stale\": false, \"ageSeconds\": 0.1, \"samples\": 3, \"signals\": {\"kv_utilization\": true}} | signal 'kv_utilization'",
            "a value as an object   | {\"stale\": false, \"ageSeconds\": 0.1, \"samples\": 3, \"signals\": {\"running\": {\"v\": 1}}} | signal 'running'",
    })
    void aWrongTypeOrAMissingKeyIsRefusedNamingTheKey(String what, String json, String named) {
        assertThatThrownBy(() -> parse(json.getBytes(StandardCharsets.UTF_8)))
                .as(what)
                .isInstanceOf(SidecarReadException.class)
                .hasMessageContaining(named);
    }

    @Test
    void aBadValueOnAStaleAnswerDoesNotMatterSinceNoneIsRead() throws Exception {
        Signals s = parse(body("true", "9", "4", "{\"queue\": \"unknown\"}"));
        assertThat(s.stale()).isTrue();
        assertThat(s.values()).isEmpty();
    }
}
