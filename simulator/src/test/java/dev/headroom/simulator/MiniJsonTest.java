package dev.headroom.simulator;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MiniJsonTest {

    @Test
    void readsAnOpenAiCompletionBody() {
        Map<String, Object> m = MiniJson.parseObject(
                "{\"model\":\"x\",\"prompt\":\"a \\\"b\\\" \\u00e9\",\"max_tokens\":64,\"temperature\":0.5,"
                        + "\"stream\":false,\"stop\":null,\"logit_bias\":{},\"ids\":[1,2,3]}");
        assertThat(m).containsEntry("model", "x").containsEntry("prompt", "a \"b\" é")
                .containsEntry("max_tokens", 64.0).containsEntry("temperature", 0.5).containsEntry("stream", false)
                .containsEntry("stop", null).containsEntry("logit_bias", Map.of())
                .containsEntry("ids", List.of(1.0, 2.0, 3.0));
    }

    @Test
    void malformedInputNamesTheOffset() {
        assertThatThrownBy(() -> MiniJson.parseObject("{\"a\":1,}")).hasMessageContaining("offset 7");
        assertThatThrownBy(() -> MiniJson.parseObject("[1]")).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> MiniJson.parseObject("{\"a\":\"x")).hasMessageContaining("unterminated string");
        assertThatThrownBy(() -> MiniJson.parseObject("{\"a\":1} x")).hasMessageContaining("trailing");
        assertThatThrownBy(() -> MiniJson.parseObject("[".repeat(1) + "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MiniJson.parseObject("{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}"))
                .hasMessageContaining("nesting");
    }
}
