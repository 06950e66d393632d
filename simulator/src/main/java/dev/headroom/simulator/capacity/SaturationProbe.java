package dev.headroom.simulator.capacity;

import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.LengthRange;
import dev.headroom.simulator.RequestResult;
import dev.headroom.simulator.SimRequest;
import dev.headroom.simulator.SimulationResult;
import dev.headroom.simulator.TimeSample;
import dev.headroom.simulator.VirtualTimeRunner;
import dev.headroom.simulator.Workload;

import java.util.ArrayList;
import java.util.List;

/**
 * Measures one replica's saturation point in the simulator, to check {@link CapacityEstimator} against.
 *
 * <p>Poisson arrivals at increasing rates, each for {@code durationSeconds} of virtual time. At each rate it
 * records the rate served (requests finished in the second half of the arrivals, per second) and whether
 * the queue grew without bound (over the second half of the arrivals, waiting requests grew by more than 2 %
 * of the requests that arrived then, and by more than 10). The measured capacity is the most the engine served at any rate: below
 * saturation that is the offered rate, above it the engine's ceiling.
 */
public final class SaturationProbe {

    /** What one rate did. */
    public record Point(double offeredRate, double servedRate, int waitingAtHalf, int waitingAtEnd,
            boolean queueGrowing) {
    }

    /**
     * @param points            one per rate tried, in order
     * @param servedRate        the most served at any rate: the measured capacity, requests/s
     * @param firstGrowingRate  the lowest offered rate whose queue grew without bound; NaN if none did
     */
    public record Measurement(List<Point> points, double servedRate, double firstGrowingRate) {
        public Measurement {
            points = List.copyOf(points);
        }
    }

    private SaturationProbe() {
    }

    /**
     * Tries rates {@code from, from + step, …, to} requests/s.
     *
     * @param seed the Poisson and length seed: the same seed gives the same measurement
     */
    public static Measurement measure(EngineConfig engine, LengthRange prompt, LengthRange output, double from,
            double to, double step, double durationSeconds, long seed) {
        if (!(from > 0) || !(to >= from) || !(step > 0) || !(durationSeconds > 0)) {
            throw new IllegalArgumentException("SaturationProbe needs 0 < from <= to, step > 0, duration > 0; were "
                    + from + ", " + to + ", " + step + ", " + durationSeconds);
        }
        VirtualTimeRunner runner = new VirtualTimeRunner(engine, 1.0);
        List<Point> points = new ArrayList<>();
        double best = 0;
        double firstGrowing = Double.NaN;
        for (int i = 0; from + i * step <= to + 1e-9; i++) {
            double rate = from + i * step;
            List<SimRequest> requests = Workload.poisson(rate, durationSeconds, prompt, output, seed + i);
            SimulationResult result = runner.run(requests);
            double half = durationSeconds / 2;
            long done = 0;
            for (RequestResult r : result.requests()) {
                if (r.finishSeconds() >= half && r.finishSeconds() < durationSeconds) {
                    done++;
                }
            }
            double served = done / (durationSeconds - half);
            int atHalf = waitingAt(result.series(), half);
            int atEnd = waitingAt(result.series(), durationSeconds);
            boolean growing = atEnd - atHalf > Math.max(10, 0.02 * rate * half);
            points.add(new Point(rate, served, atHalf, atEnd, growing));
            best = Math.max(best, served);
            if (growing && Double.isNaN(firstGrowing)) {
                firstGrowing = rate;
            }
        }
        return new Measurement(points, best, firstGrowing);
    }

    private static int waitingAt(List<TimeSample> series, double seconds) {
        int waiting = 0;
        for (TimeSample s : series) {
            if (s.timeSeconds() > seconds) {
                break;
            }
            waiting = s.waiting();
        }
        return waiting;
    }
}
