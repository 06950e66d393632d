package dev.headroom.signals;

import dev.headroom.collectors.engine.EngineIdentity;
import dev.headroom.collectors.engine.EngineSample;
import dev.headroom.collectors.engine.Histogram;

import java.time.Duration;
import java.time.Instant;

/** Sample-building shorthand for the tests: times are seconds after {@link #T0}. */
final class Samples {

    static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");
    static final EngineIdentity VLLM = new EngineIdentity("vllm-v1", "meta-llama/Llama-3.1-8B-Instruct", "0.11.0");
    static final double INF = Double.POSITIVE_INFINITY;
    /** Four buckets, as small as a hand calculation wants: ≤0.1 s, ≤0.5 s, ≤1 s, +Inf. */
    static final double[] BOUNDS = {0.1, 0.5, 1.0, INF};

    private Samples() {
    }

    static Instant at(double seconds) {
        return T0.plus(Duration.ofNanos(Math.round(seconds * 1e9)));
    }

    static EngineSample.Builder sample(double seconds) {
        return EngineSample.builder(at(seconds), VLLM);
    }

    static Histogram histogram(double... cumulative) {
        return histogram(BOUNDS, cumulative);
    }

    static Histogram histogram(double[] bounds, double... cumulative) {
        return new Histogram(bounds, cumulative, cumulative[cumulative.length - 1], 0);
    }

    static WindowConfig window(int maxSamples, double spanSeconds, double staleAfterSeconds) {
        return new WindowConfig(maxSamples, Duration.ofNanos(Math.round(spanSeconds * 1e9)),
                Duration.ofNanos(Math.round(staleAfterSeconds * 1e9)));
    }

    /** A window large and patient enough that only the data under test matters. */
    static SampleWindow roomyWindow() {
        return new SampleWindow(window(64, 3600, 3600));
    }
}
