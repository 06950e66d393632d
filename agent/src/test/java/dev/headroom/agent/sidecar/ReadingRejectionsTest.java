package dev.headroom.agent.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.headroom.agent.metrics.MetricFamily;
import dev.headroom.collectors.scrape.ScrapeConfig;
import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;
import dev.headroom.signals.WindowConfig;
import dev.headroom.signals.monitor.EngineMonitor;
import dev.headroom.signals.monitor.EngineState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Issue 14, item 3, on the sidecar's side: an engine over loopback HTTP whose payload carries an invalid reading. The
 * signal reads {@code null} in {@code /v1/signals} with its reason under {@code rejected}, never 0 and never as read,
 * and {@code headroom_reading_rejected_total{signal,reason}} counts one per scrape.
 */
class ReadingRejectionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** vLLM V1 names and labels as vLLM 0.10 writes them (see the collectors' fixture of that version). */
    private static String vllm(String waiting, String kv, double generated) {
        return """
                # TYPE vllm:num_requests_running gauge
                vllm:num_requests_running{engine="0",model_name="qwen"} 3.0
                # TYPE vllm:num_requests_waiting gauge
                vllm:num_requests_waiting{engine="0",model_name="qwen"} %s
                # TYPE vllm:kv_cache_usage_perc gauge
                vllm:kv_cache_usage_perc{engine="0",model_name="qwen"} %s
                # TYPE vllm:generation_tokens_total counter
                vllm:generation_tokens_total{engine="0",model_name="qwen"} %s
                """.formatted(waiting, kv, generated);
    }

    static Stream<Arguments> badPayloads() {
        return Stream.of(
                arguments("queue -50", vllm("-50.0", "0.5", 100), Signal.QUEUE, "negative"),
                arguments("KV 7.0", vllm("2.0", "7.0", 100), Signal.KV_UTILIZATION, "out_of_range"),
                arguments("KV NaN", vllm("2.0", "NaN", 100), Signal.KV_UTILIZATION, "non_finite"),
                arguments("queue twice, 3 and 5", vllm("3.0\nvllm:num_requests_waiting{engine=\"0\",model_name=\"qwen\"} 5.0",
                        "0.5", 100), Signal.QUEUE, "duplicate_series"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPayloads")
    void anInvalidReadingIsNullWithItsReasonAndCounted(String name, String payload, Signal signal, String reason)
            throws Exception {
        HttpServer engine = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        engine.createContext("/metrics", exchange -> {
            byte[] body = payload.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        engine.start();
        try {
            AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T10:00:00Z"));
            URI url = URI.create("http://127.0.0.1:" + engine.getAddress().getPort() + "/metrics");
            EngineMonitor monitor = new EngineMonitor(ScrapeConfig.defaults(url),
                    new WindowConfig(64, Duration.ofSeconds(30), Duration.ofSeconds(3)), SaturationTargets.defaults(),
                    (InstantSource) now::get);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            SignalMeters meters = new SignalMeters(registry);
            EngineState state = null;
            for (int i = 0; i < 2; i++) {
                state = monitor.scrapeOnce();
                meters.update(state);
                now.set(now.get().plusSeconds(1));
            }

            assertThat(state.lastScrape().orElseThrow().ok()).isTrue();
            JsonNode view = JSON.readTree(JSON.writeValueAsBytes(SignalsView.of(state)));
            assertThat(view.get("signals").get(signal.key()).isNull()).as("null, not 0 and not as read").isTrue();
            assertThat(view.get("rejected").get(signal.key()).get("reason").asText()).isEqualTo(reason);
            assertThat(view.get("rejected").get(signal.key()).get("detail").asText()).isNotBlank();
            assertThat(view.get("signals").get("running").asDouble()).isEqualTo(3.0);
            assertThat(view.get("saturation").get("signals").has(signal.key())).isFalse();
            assertThat(registry.get(MetricFamily.READINGS_REJECTED.meterName())
                    .tag(MetricFamily.Labels.SIGNAL, signal.key()).tag(MetricFamily.Labels.REASON, reason)
                    .counter().count()).isEqualTo(2.0);
            meters.close();
        } finally {
            engine.stop(0);
        }
    }
}
