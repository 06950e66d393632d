package dev.headroom.simulator;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonBodyTest {

    @Test
    void readsAnOpenAiCompletionBody() {
        Map<String, Object> m = JsonBody.parseObject(
                "{\"model\":\"x\",\"prompt\":\"a \\\"b\\\" \\u00e9\",\"max_tokens\":64,\"temperature\":0.5,"
                        + "\"stream\":false,\"stop\":null,\"logit_bias\":{},\"ids\":[1,2,3]}");
        assertThat(m).containsEntry("model", "x").containsEntry("prompt", "a \"b\" é")
                .containsEntry("max_tokens", 64.0).containsEntry("temperature", 0.5).containsEntry("stream", false)
                .containsEntry("stop", null).containsEntry("logit_bias", Map.of())
                .containsEntry("ids", List.of(1.0, 2.0, 3.0));
    }

    @Test
    void malformedInputNamesTheOffset() {
        assertThatThrownBy(() -> JsonBody.parseObject("{\"a\":1,}")).hasMessageContaining("offset 7");
        assertThatThrownBy(() -> JsonBody.parseObject("[1]")).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> JsonBody.parseObject("{\"a\":\"x")).hasMessageContaining("unterminated string");
        assertThatThrownBy(() -> JsonBody.parseObject("{\"a\":1} x")).hasMessageContaining("trailing");
        assertThatThrownBy(() -> JsonBody.parseObject("[".repeat(1) + "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonBody.parseObject("{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}"))
                .hasMessageContaining("nesting");
    }

    @Test
    void thirtyTwoLevelsAreReadAndAThirtyThirdIsRefused() {
        String inner = "[".repeat(JsonBody.MAX_DEPTH - 1) + "]".repeat(JsonBody.MAX_DEPTH - 1);
        assertThat(JsonBody.parseObject("{\"a\":" + inner + "}")).containsKey("a");
        assertThatThrownBy(() -> JsonBody.parseObject("{\"a\":[" + inner + "]}"))
                .hasMessageContaining("nesting deeper than 32");
    }

    @Test
    void whatJsonForbidsIsAnErrorNamingTheOffset() {
        assertThatThrownBy(() -> JsonBody.parseObject("{\"a\":\"x\u0001\"}")).hasMessageStartingWith("invalid JSON at offset ");
        assertThatThrownBy(() -> JsonBody.parseObject("{\"a\":\"\\q\"}")).hasMessageStartingWith("invalid JSON at offset ");
        assertThatThrownBy(() -> JsonBody.parseObject("{\"a\":01}")).hasMessageStartingWith("invalid JSON at offset ").hasMessageContaining("Leading zeroes");
        assertThatThrownBy(() -> JsonBody.parseObject("{\"a\":tru}")).hasMessageStartingWith("invalid JSON at offset ");
        assertThatThrownBy(() -> JsonBody.parseObject("")).hasMessage("invalid JSON at offset 0: expected a JSON object");
        assertThatThrownBy(() -> JsonBody.parseObject("{\"a\":1")).hasMessageContaining("unexpected end of input");
    }

    @Test
    void aRepeatedKeyKeepsItsLastValueAsBefore() {
        assertThat(JsonBody.parseObject("{\"max_tokens\":1,\"max_tokens\":2}")).containsEntry("max_tokens", 2.0);
    }
}
