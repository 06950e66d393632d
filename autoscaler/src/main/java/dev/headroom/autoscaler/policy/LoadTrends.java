package dev.headroom.autoscaler.policy;

import dev.headroom.signals.Signal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One workload's recent complete totals per summed load signal, and the least-squares line through them
 * ({@link LoadForecast}). Not thread-safe: the policy holds the workload's history lock.
 */
final class LoadTrends {

    private record Point(Instant at, double total) {
    }

    private final Map<Signal, ArrayDeque<Point>> points = new EnumMap<>(Signal.class);

    /** Adds a total read at {@code at} and drops those older than {@code window} (and beyond the bound). */
    void record(Signal signal, Instant at, double total, Duration window) {
        ArrayDeque<Point> series = points.computeIfAbsent(signal, s -> new ArrayDeque<>());
        Point last = series.peekLast();
        if (last != null && !at.isAfter(last.at())) {
            return; // one point per instant; a clock that stepped back adds nothing
        }
        series.addLast(new Point(at, total));
        Instant cutoff = at.minus(window);
        while (series.size() > Normalization.MAX_HISTORY || series.peekFirst().at().isBefore(cutoff)) {
            series.removeFirst();
        }
    }

    /**
     * The fitted line's value at {@code now + lead}, when it rises: empty with fewer than three points, points
     * spanning less than half of {@code window}, or a slope that is not positive.
     */
    OptionalDouble forecast(Signal signal, Instant now, Duration window, Duration lead) {
        ArrayDeque<Point> series = points.get(signal);
        if (series == null || series.size() < 3) {
            return OptionalDouble.empty();
        }
        Instant cutoff = now.minus(window);
        Instant origin = series.peekFirst().at();
        double span = seconds(origin, series.peekLast().at());
        if (origin.isBefore(cutoff) || span < window.toNanos() / 2e9) {
            return OptionalDouble.empty();
        }
        double meanT = 0;
        double meanV = 0;
        for (Point p : series) {
            meanT += seconds(origin, p.at());
            meanV += p.total();
        }
        meanT /= series.size();
        meanV /= series.size();
        double sxy = 0;
        double sxx = 0;
        for (Point p : series) {
            double dt = seconds(origin, p.at()) - meanT;
            sxy += dt * (p.total() - meanV);
            sxx += dt * dt;
        }
        double slope = sxy / sxx;
        if (!(slope > 0)) {
            return OptionalDouble.empty();
        }
        double ahead = seconds(origin, now) + lead.toNanos() / 1e9;
        return OptionalDouble.of(meanV + slope * (ahead - meanT));
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }
}
