package dev.headroom.signals;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.headroom.collectors.engine.CounterSignal;
import dev.headroom.collectors.engine.EngineIdentity;
import dev.headroom.collectors.engine.EngineSample;
import dev.headroom.collectors.engine.GaugeSignal;
import dev.headroom.collectors.engine.Histogram;
import dev.headroom.collectors.engine.LatencySignal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the window: any sequence of samples, as a dialect's {@link EngineSample.Builder} builds
 * them from any readings (negative, NaN, ±Inf, huge, ratios above 1, counters that drop, histograms with any counts
 * and sums, a change of engine, timestamps out of order), read back at any time. What must hold, whatever came in:
 * nothing throws, and every signal given is a value its signal can have (finite, never negative, a ratio within
 * [0, 1]); anything else is left unknown, never turned into a number. Invented load or an invented idle replica are
 * the two ways a window scales a workload wrong.
 *
 * <p>In the build's test phase each seed in {@code src/test/resources/dev/headroom/signals/SampleWindowFuzzTestInputs/
 * <method>/} runs once, plus an empty input; {@code JAZZER_FUZZ=1} fuzzes for {@code maxDuration}. The long run and
 * its command are in {@code src/docs/benchmarks.md} ({@link #fuzzerTestOneInput}).
 */
class SampleWindowFuzzTest {

    private static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");
    private static final EngineIdentity[] ENGINES = {
            new EngineIdentity("vllm-v1", "m", "0.11.0"), new EngineIdentity("sglang", "m", "0.5.0")};
    /** Bucket layouts: a small one, one with a bound at zero, and the one-bucket layout of a summary. */
    private static final double[][] LAYOUTS = {
            {0.1, 0.5, 1.0, Double.POSITIVE_INFINITY},
            {0.0, 0.01, 2.5, Double.POSITIVE_INFINITY},
            {Double.POSITIVE_INFINITY}};
    private static final double[] SPECIAL = {0, 1, -1, 0.5, 7, 1e5, -50, Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, Double.MAX_VALUE, Double.MIN_VALUE, -0.0, 1e-300};

    @FuzzTest(maxDuration = "30s")
    void signalsAreValuesTheirSignalCanHaveOrUnknown(FuzzedDataProvider data) {
        run(data);
    }

    /** Jazzer's command-line entry point, for long runs. */
    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        run(data);
    }

    static void run(FuzzedDataProvider data) {
        SampleWindow window = new SampleWindow(new WindowConfig(data.consumeInt(2, 12),
                Duration.ofMillis(data.consumeLong(1, 120_000)), Duration.ofMillis(data.consumeLong(1, 30_000))));
        long millis = 0;
        int samples = data.consumeInt(0, 20);
        for (int i = 0; i < samples && data.remainingBytes() > 0; i++) {
            // Mostly forward, sometimes the same time or back (a repeated or late delivery).
            millis += data.consumeLong(-1_000, 5_000);
            EngineSample.Builder b = EngineSample.builder(T0.plusMillis(millis), ENGINES[data.consumeInt(0, 7) / 7]);
            for (GaugeSignal g : GaugeSignal.values()) {
                if (data.consumeBoolean()) {
                    b.gauge(g, value(data));
                }
            }
            for (CounterSignal c : CounterSignal.values()) {
                if (data.consumeBoolean()) {
                    b.counter(c, value(data));
                }
            }
            for (LatencySignal l : LatencySignal.values()) {
                if (data.consumeBoolean()) {
                    b.latency(l, histogram(data));
                }
            }
            window.add(b.build());
            check(window.signals(T0.plusMillis(millis + data.consumeLong(-1_000, 40_000))));
        }
    }

    private static double value(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> SPECIAL[data.consumeInt(0, SPECIAL.length - 1)];
            case 1 -> data.consumeInt(-10, 10_000);
            case 2 -> data.consumeRegularDouble(-1e6, 1e12);
            default -> data.consumeDouble();
        };
    }

    private static Histogram histogram(FuzzedDataProvider data) {
        double[] bounds = LAYOUTS[data.consumeInt(0, LAYOUTS.length - 1)];
        double[] counts = new double[bounds.length];
        double running = 0;
        for (int i = 0; i < counts.length; i++) {
            // Usually cumulative, as engines write them; sometimes any value at all.
            running = data.consumeBoolean() ? running + data.consumeInt(0, 50) : value(data);
            counts[i] = running;
        }
        double count = data.consumeBoolean() ? counts[counts.length - 1] : value(data);
        double sum = data.consumeBoolean() ? Math.abs(data.consumeInt(0, 1000)) * 0.01 : value(data);
        return new Histogram(bounds, counts, count, sum);
    }

    static void check(Signals s) {
        assertThat(s).isNotNull();
        for (Map.Entry<Signal, Double> e : s.values().entrySet()) {
            double v = e.getValue();
            assertThat(v).as("%s", e.getKey()).isFinite().isGreaterThanOrEqualTo(0.0);
            if (e.getKey() == Signal.KV_UTILIZATION) {
                assertThat(v).as("kv_utilization").isLessThanOrEqualTo(1.0);
            }
        }
        if (s.stale()) {
            assertThat(s.values()).as("stale signals give no values").isEmpty();
        }
    }
}
