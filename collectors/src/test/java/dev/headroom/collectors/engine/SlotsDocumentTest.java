package dev.headroom.collectors.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.collectors.Fixtures;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** llama.cpp's {@code /slots}, from the captured payloads and from the shapes older servers print. */
class SlotsDocumentTest {

    private static SlotsDocument.Occupancy read(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return SlotsDocument.read(b, b.length);
    }

    @Test
    void busySlotsHoldTheirPromptTokens() {
        byte[] busy = Fixtures.engine("llamacpp-b11669-slots-busy.json");
        // two processing slots of n_ctx 512, each with n_prompt_tokens 19 (n_decoded 1 adds nothing without
        // n_prompt_tokens_processed)
        assertThat(SlotsDocument.read(busy, busy.length)).isEqualTo(new SlotsDocument.Occupancy(2, 1024, 38));
    }

    @Test
    void idleSlotsAreFreeWhateverPromptTheyCache() {
        byte[] idle = Fixtures.engine("llamacpp-b11669-slots-idle.json");
        assertThat(SlotsDocument.read(idle, idle.length)).isEqualTo(new SlotsDocument.Occupancy(2, 1024, 0));
    }

    @Test
    void onlyTheGivenLengthIsRead() {
        byte[] busy = Fixtures.engine("llamacpp-b11669-slots-busy.json");
        assertThat(SlotsDocument.read(busy, busy.length / 2)).isNull();
    }

    @Test
    void olderServersSayStateAndNPastAndTheDecodedCountMayBeAnObject() {
        assertThat(read("[{\"n_ctx\": 100, \"state\": 1, \"n_past\": 70, \"extra\": {\"a\": [1, {\"b\": null}]}},"
                + " {\"n_ctx\": 100, \"state\": 0, \"n_past\": 90}]"))
                .isEqualTo(new SlotsDocument.Occupancy(2, 200, 70));
        assertThat(read("[{\"n_ctx\": 100, \"is_processing\": true, \"n_prompt_tokens\": 10,"
                + " \"n_prompt_tokens_processed\": 10, \"next_token\": {\"n_decoded\": 25}}]"))
                .isEqualTo(new SlotsDocument.Occupancy(1, 100, 35));
        assertThat(read("[{\"n_ctx\": 100, \"is_processing\": true, \"n_prompt_tokens_processed\": 5,"
                + " \"next_token\": [{\"n_decoded\": 3}, {\"n_decoded\": 9}]}]"))
                .isEqualTo(new SlotsDocument.Occupancy(1, 100, 14));
        assertThat(read("[{\"n_ctx\": 100, \"is_processing\": true, \"n_prompt_tokens\": 400}]"))
                .as("a slot never holds more than its context").isEqualTo(new SlotsDocument.Occupancy(1, 100, 100));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not an array            | {\"n_ctx\": 100}",
            "no slots                | []",
            "a slot without n_ctx    | [{\"is_processing\": true}]",
            "n_ctx as a string       | [{\"n_ctx\": \"100\"}]",
            "is_processing as number | [{\"n_ctx\": 100, \"is_processing\": 1}]",
            "a slot that is no object| [1]",
            "truncated               | [{\"n_ctx\": 100",
            "not JSON                | <html>slots are disabled</html>",
            "empty                   | ''",
    })
    void anythingButAnArrayOfSlotsGivesNull(String why, String json) {
        assertThat(read(json)).as(why).isNull();
    }

    @Test
    void nestingIsBoundedWithinASlot() {
        String within = "[".repeat(SlotsDocument.MAX_DEPTH) + "]".repeat(SlotsDocument.MAX_DEPTH);
        assertThat(read("[{\"n_ctx\": 8, \"x\": " + within + "}]")).isEqualTo(new SlotsDocument.Occupancy(1, 8, 0));
        assertThat(read("[{\"n_ctx\": 8, \"x\": [" + within + "]}]")).isNull();
    }
}
