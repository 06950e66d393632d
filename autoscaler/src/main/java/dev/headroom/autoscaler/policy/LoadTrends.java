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
     * spanning less than half of {@code window}, or a slope that is not positive. Where the line through the
     * window's recent half is flatter than the whole window's by more than two standard errors of the difference,
     * the rise has bent, and the recent line is the one carried ahead (empty if it does not rise): after a step (a
     * load that jumped and then stayed) the whole window's line still rises steeply through the jump, while the
     * recent half is flat, and a rise that has stopped is not carried on. On a ramp, noisy or not, the two slopes
     * differ by less than their noise and the whole window's line, the steadier, is kept.
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
        Line line = Line.fit(series, origin, origin);
        Line recent = Line.fit(series, now.minus(window.dividedBy(2)), origin);
        if (recent != null && line.slope - recent.slope
                > 2 * Math.hypot(line.slopeError, recent.slopeError)) {
            line = recent;
        }
        if (!(line.slope > 0)) {
            return OptionalDouble.empty();
        }
        double ahead = seconds(origin, now) + lead.toNanos() / 1e9;
        return OptionalDouble.of(line.meanValue + line.slope * (ahead - line.meanTime));
    }

    /** A least-squares line: its centre, its slope and the slope's standard error. */
    private record Line(double meanTime, double meanValue, double slope, double slopeError) {

        /** The line through the points at or after {@code from}, times from {@code origin}; null below three points. */
        static Line fit(ArrayDeque<Point> series, Instant from, Instant origin) {
            int n = 0;
            double meanT = 0;
            double meanV = 0;
            for (Point p : series) {
                if (!p.at().isBefore(from)) {
                    n++;
                    meanT += seconds(origin, p.at());
                    meanV += p.total();
                }
            }
            if (n < 3) {
                return null;
            }
            meanT /= n;
            meanV /= n;
            double sxy = 0;
            double sxx = 0;
            for (Point p : series) {
                if (!p.at().isBefore(from)) {
                    double dt = seconds(origin, p.at()) - meanT;
                    sxy += dt * (p.total() - meanV);
                    sxx += dt * dt;
                }
            }
            double slope = sxy / sxx;
            double residuals = 0;
            for (Point p : series) {
                if (!p.at().isBefore(from)) {
                    double r = p.total() - meanV - slope * (seconds(origin, p.at()) - meanT);
                    residuals += r * r;
                }
            }
            return new Line(meanT, meanV, slope, Math.sqrt(residuals / (n - 2) / sxx));
        }
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }
}
