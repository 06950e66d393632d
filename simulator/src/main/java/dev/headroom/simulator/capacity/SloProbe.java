package dev.headroom.simulator.capacity;

import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.LengthRange;
import dev.headroom.simulator.RequestResult;
import dev.headroom.simulator.SimulationResult;
import dev.headroom.simulator.VirtualTimeRunner;
import dev.headroom.simulator.Workload;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Measures one replica's SLO capacity in the simulator, to check {@link SloCapacityEstimator} against: the
 * highest Poisson rate at which the TTFT quantile and the mean ITL of the requests meet a
 * {@link LatencyObjective}.
 *
 * <p>Each rate runs {@code durationSeconds} of virtual time ({@link VirtualTimeRunner}, every request to
 * completion); requests arriving in the first fifth are a warm-up and not counted. The rate is found by
 * bisection between 0 and {@code upperRate} (latency grows with load, so "meets" is taken as monotone in the
 * rate; at a rate near the answer one seed may pass and the next fail, which is the probe's resolution).
 * When even {@link #FEASIBILITY_SHARE} of the upper rate fails, the probe reports no rate.
 */
public final class SloProbe {

    /** The share of the upper rate tried first to decide whether any rate meets the objective. */
    public static final double FEASIBILITY_SHARE = 0.02;

    private static final int STEPS = 12;

    /** What one rate did. */
    public record Point(double rate, double ttftAtQuantile, double meanItl, boolean meets) {
    }

    /**
     * @param requestsPerSecond the highest rate found to meet the objective; NaN when none did
     * @param points            every rate tried, in order
     */
    public record Measurement(double requestsPerSecond, List<Point> points) {
        public Measurement {
            points = List.copyOf(points);
        }

        public boolean feasible() {
            return !Double.isNaN(requestsPerSecond);
        }
    }

    private SloProbe() {
    }

    /** Bisects the rate in (0, upperRate]; the same seed gives the same measurement. */
    public static Measurement measure(EngineConfig engine, LengthRange prompt, LengthRange output,
            LatencyObjective slo, double upperRate, double durationSeconds, long seed) {
        if (!(upperRate > 0) || !(durationSeconds > 0)) {
            throw new IllegalArgumentException("SloProbe needs upperRate > 0 and durationSeconds > 0, were "
                    + upperRate + " and " + durationSeconds);
        }
        List<Point> points = new ArrayList<>();
        Point low = at(engine, prompt, output, slo, FEASIBILITY_SHARE * upperRate, durationSeconds, seed);
        points.add(low);
        if (!low.meets()) {
            return new Measurement(Double.NaN, points);
        }
        double lo = low.rate();
        double hi = upperRate;
        for (int i = 0; i < STEPS; i++) {
            Point p = at(engine, prompt, output, slo, (lo + hi) / 2, durationSeconds, seed);
            points.add(p);
            if (p.meets()) {
                lo = p.rate();
            } else {
                hi = p.rate();
            }
        }
        return new Measurement(lo, points);
    }

    /** One rate: its TTFT quantile and mean ITL over the requests after the warm-up. */
    public static Point at(EngineConfig engine, LengthRange prompt, LengthRange output, LatencyObjective slo,
            double rate, double durationSeconds, long seed) {
        SimulationResult result = new VirtualTimeRunner(engine, 1.0)
                .run(Workload.poisson(rate, durationSeconds, prompt, output, seed));
        double warmUp = durationSeconds / 5;
        double[] ttft = new double[result.requests().size()];
        int n = 0;
        double itlSum = 0;
        int itlCount = 0;
        for (RequestResult r : result.requests()) {
            if (r.arrivalSeconds() < warmUp) {
                continue;
            }
            ttft[n++] = r.ttftSeconds();
            if (r.outputTokens() > 1) {
                itlSum += r.meanItlSeconds();
                itlCount++;
            }
        }
        if (n == 0) {
            return new Point(rate, Double.NaN, Double.NaN, false);
        }
        Arrays.sort(ttft, 0, n);
        double ttftQ = ttft[Math.min(n - 1, (int) Math.ceil(slo.ttftQuantile() * n) - 1)];
        double itl = itlCount == 0 ? 0 : itlSum / itlCount;
        return new Point(rate, ttftQ, itl, ttftQ <= slo.ttftSeconds() && itl <= slo.itlSeconds());
    }
}
