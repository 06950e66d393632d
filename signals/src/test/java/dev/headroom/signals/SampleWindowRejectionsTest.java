package dev.headroom.signals;

import dev.headroom.collectors.engine.CounterSignal;
import dev.headroom.collectors.engine.EngineIdentity;
import dev.headroom.collectors.engine.EngineSample;
import dev.headroom.collectors.engine.GaugeSignal;
import dev.headroom.collectors.engine.Histogram;
import dev.headroom.collectors.engine.LatencySignal;
import dev.headroom.collectors.engine.Rejection;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.headroom.signals.Samples.at;
import static dev.headroom.signals.Samples.roomyWindow;
import static dev.headroom.signals.Samples.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Issue 14, item 3: a reading that is not valid is unknown for that scrape and says why; never 0, never a spike. */
class SampleWindowRejectionsTest {

    static Stream<Arguments> invalidGauges() {
        return Stream.of(
                arguments("negative queue", GaugeSignal.QUEUE, -50.0, Signal.QUEUE, Rejection.Reason.NEGATIVE),
                arguments("negative waiting", GaugeSignal.QUEUE, -4.0, Signal.QUEUE, Rejection.Reason.NEGATIVE),
                arguments("negative KV", GaugeSignal.KV_UTILIZATION, -3.0, Signal.KV_UTILIZATION,
                        Rejection.Reason.NEGATIVE),
                arguments("KV 7.0, a ratio", GaugeSignal.KV_UTILIZATION, 7.0, Signal.KV_UTILIZATION,
                        Rejection.Reason.OUT_OF_RANGE),
                arguments("KV 1.7", GaugeSignal.KV_UTILIZATION, 1.7, Signal.KV_UTILIZATION,
                        Rejection.Reason.OUT_OF_RANGE),
                arguments("NaN running", GaugeSignal.RUNNING, Double.NaN, Signal.RUNNING, Rejection.Reason.NON_FINITE),
                arguments("+Inf running", GaugeSignal.RUNNING, Double.POSITIVE_INFINITY, Signal.RUNNING,
                        Rejection.Reason.NON_FINITE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidGauges")
    void anInvalidGaugeIsUnknownWithItsReason(String name, GaugeSignal gauge, double value, Signal signal,
            Rejection.Reason reason) {
        SampleWindow window = roomyWindow();
        window.add(sample(0).gauge(GaugeSignal.QUEUE, 2).gauge(GaugeSignal.RUNNING, 8)
                .gauge(GaugeSignal.KV_UTILIZATION, 0.5).counter(CounterSignal.REQUESTS_FINISHED, 0).build());
        window.add(sample(1).gauge(GaugeSignal.QUEUE, 2).gauge(GaugeSignal.RUNNING, 8)
                .gauge(GaugeSignal.KV_UTILIZATION, 0.5).counter(CounterSignal.REQUESTS_FINISHED, 4)
                .gauge(gauge, value).build());
        Signals signals = window.signals(at(1));
        assertThat(signals.get(signal)).as("unknown, not 0 and not as read").isEmpty();
        assertThat(signals.rejected().get(signal).reason()).isEqualTo(reason);
        if (gauge != GaugeSignal.KV_UTILIZATION) {
            // arrivals read running and waiting: they are unknown too, for the same reason
            assertThat(signals.get(Signal.ARRIVALS_PS)).isEmpty();
            assertThat(signals.rejected().get(Signal.ARRIVALS_PS).reason()).isEqualTo(reason);
        }
        assertThat(signals.get(Signal.REQUESTS_PS)).hasValue(4.0);
    }

    static Stream<Arguments> invalidHistograms() {
        double[] b = Samples.BOUNDS;
        return Stream.of(
                // found by SampleWindowFuzzTest: a negative sum made a negative mean inter-token latency
                arguments("negative sum", new Histogram(b, new double[] {1, 2, 3, 4}, 4, -0.4),
                        Rejection.Reason.NEGATIVE, "sum read -0.4"),
                arguments("+Inf sum", new Histogram(b, new double[] {1, 2, 3, 4}, 4, Double.POSITIVE_INFINITY),
                        Rejection.Reason.NON_FINITE, "sum read Infinity"),
                arguments("negative bucket", new Histogram(b, new double[] {-1, 2, 3, 4}, 4, 0.4),
                        Rejection.Reason.NEGATIVE, "bucket le=0.1 read -1.0"),
                arguments("NaN count", new Histogram(b, new double[] {1, 2, 3, 4}, Double.NaN, 0.4),
                        Rejection.Reason.NON_FINITE, "count read NaN"),
                arguments("buckets going down", new Histogram(b, new double[] {1, 5, 3, 5}, 5, 0.4),
                        Rejection.Reason.INCOMPLETE_HISTOGRAM, "below the bucket before it"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidHistograms")
    void anInvalidHistogramIsUnknownWithItsReasonNeverANegativeLatency(String name, Histogram bad,
            Rejection.Reason reason, String detail) {
        SampleWindow window = roomyWindow();
        window.add(sample(0).latency(LatencySignal.ITL, Samples.histogram(1, 1, 2, 2)).build());
        window.add(sample(1).latency(LatencySignal.ITL, Samples.histogram(1, 2, 3, 4)).build());
        window.add(sample(2).latency(LatencySignal.ITL, bad).build());
        Signals signals = window.signals(at(2));
        for (Signal signal : new Signal[] {Signal.ITL_MEAN, Signal.ITL_P50, Signal.ITL_P95}) {
            assertThat(signals.get(signal)).as("%s: unknown, not a value", signal).isEmpty();
            assertThat(signals.rejected().get(signal)).as(signal.key()).satisfies(r -> {
                assertThat(r.reason()).isEqualTo(reason);
                assertThat(r.detail()).contains(detail);
            });
        }
    }

    @Test
    void aChangeOfEngineStartsTheWindowAgain() {
        EngineIdentity vllm = new EngineIdentity("vllm-v1", "llama", "0.11.0");
        EngineIdentity sglang = new EngineIdentity("sglang", "llama", null);
        SampleWindow window = roomyWindow();
        window.add(EngineSample.builder(at(0), vllm).counter(CounterSignal.GENERATION_TOKENS, 9e6).build());
        window.add(EngineSample.builder(at(1), vllm).counter(CounterSignal.GENERATION_TOKENS, 9.0001e6).build());
        // SGLang's counter is its own: across the switch a rate would read 10⁴–10⁷ × the truth
        window.add(EngineSample.builder(at(2), sglang).counter(CounterSignal.GENERATION_TOKENS, 50)
                .gauge(GaugeSignal.QUEUE, 1).build());
        Signals switched = window.signals(at(2));
        assertThat(switched.samples()).isEqualTo(1);
        assertThat(switched.get(Signal.GENERATION_TPS)).isEmpty();
        assertThat(switched.rejected().get(Signal.GENERATION_TPS).reason()).isEqualTo(Rejection.Reason.ENGINE_CHANGED);
        assertThat(switched.rejected().get(Signal.GENERATION_TPS).detail()).contains("vllm-v1", "sglang");
        assertThat(switched.get(Signal.QUEUE)).as("a gauge needs one sample").hasValue(1.0);
        window.add(EngineSample.builder(at(3), sglang).counter(CounterSignal.GENERATION_TOKENS, 150).build());
        assertThat(window.signals(at(3)).get(Signal.GENERATION_TPS)).hasValueCloseTo(100.0, within(1e-9));
        assertThat(window.signals(at(3)).rejected()).isEmpty();
        // and back to vLLM: started again, not compared with the vLLM samples of before
        window.add(EngineSample.builder(at(4), vllm).counter(CounterSignal.GENERATION_TOKENS, 9.0005e6).build());
        window.add(EngineSample.builder(at(5), vllm).counter(CounterSignal.GENERATION_TOKENS, 9.0006e6).build());
        assertThat(window.signals(at(5)).get(Signal.GENERATION_TPS)).hasValueCloseTo(100.0, within(1e-6));
    }

    @Test
    void staleSignalsCarryNoRejections() {
        SampleWindow window = new SampleWindow(Samples.window(8, 60, 3));
        window.add(sample(0).gauge(GaugeSignal.QUEUE, -1).build());
        assertThat(window.signals(at(1)).rejected()).containsKey(Signal.QUEUE);
        assertThat(window.signals(at(10)).rejected()).isEmpty();
    }
}
