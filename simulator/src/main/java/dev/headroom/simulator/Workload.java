package dev.headroom.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Builds request lists for virtual-time runs. */
public final class Workload {

    private Workload() {
    }

    /**
     * Poisson arrivals ramping from {@code startRate} to {@code endRate} (req/s) over {@code durationSeconds},
     * lengths drawn from the given ranges; the same seed gives the same list.
     */
    public static List<SimRequest> ramp(double startRate, double endRate, double durationSeconds,
            LengthRange prompt, LengthRange output, long seed) {
        RampArrivals arrivals = new RampArrivals(startRate, endRate, durationSeconds, seed);
        SplittableRandom lengths = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        List<SimRequest> out = new ArrayList<>();
        for (double t = arrivals.next(); t != Double.POSITIVE_INFINITY; t = arrivals.next()) {
            out.add(new SimRequest(out.size(), t, prompt.draw(lengths), output.draw(lengths)));
        }
        return out;
    }

    /** Poisson arrivals at a constant rate. */
    public static List<SimRequest> poisson(double rate, double durationSeconds, LengthRange prompt,
            LengthRange output, long seed) {
        return ramp(rate, rate, durationSeconds, prompt, output, seed);
    }
}
