package dev.headroom.simulator.trace;

import dev.headroom.simulator.SimRequest;

import java.util.List;

/**
 * A trace made ready for the engine: requests with arrival times in seconds from the window's start (ids
 * 0, 1, 2… in arrival order), and an account of every row that did not pass through unchanged (counted once,
 * however many passes repeat it).
 *
 * @param requests        sorted by arrival
 * @param rateMultiplier  the factor applied to the arrival rate (gaps divided by it)
 * @param durationSeconds the run's span: the window after rescaling, times the passes when repeated
 * @param passes          how many times the window was replayed (the last may be partial); 1 without repeat
 * @param peakRate        arrivals in the busiest {@code peakWindowSeconds} of the result, per second (sliding)
 * @param peakWindowSeconds the span {@code peakRate} is measured over: the target's window, else 60 s
 * @param outsideWindow   rows before or after the window
 * @param droppedEmpty    rows with 0 prompt or 0 output tokens, left out (nothing to serve or to time)
 * @param clipped         rows longer than {@code maxModelLen}, shortened ({@link LengthRule#CLIP})
 * @param droppedTooLong  rows longer than {@code maxModelLen}, left out ({@link LengthRule#DROP})
 * @param thinned         rows that superposition gave no copy (a multiplier under 1 thins the trace)
 * @param pastDuration    rows of a single pass left out because they fall after {@code repeatUntilSeconds}
 */
public record Replay(List<SimRequest> requests, double rateMultiplier, double durationSeconds, int passes, double peakRate,
        double peakWindowSeconds, int outsideWindow, int droppedEmpty, int clipped, int droppedTooLong, int thinned,
        int pastDuration) {

    public Replay {
        requests = List.copyOf(requests);
        if (thinned < 0 || pastDuration < 0) {
            throw new IllegalArgumentException("Replay: dropped-row counts must be >= 0, were " + thinned + " and "
                    + pastDuration);
        }
    }

    /** A replay that dropped no rows by thinning or by its duration. */
    public Replay(List<SimRequest> requests, double rateMultiplier, double durationSeconds, int passes, double peakRate,
            double peakWindowSeconds, int outsideWindow, int droppedEmpty, int clipped, int droppedTooLong) {
        this(requests, rateMultiplier, durationSeconds, passes, peakRate, peakWindowSeconds, outsideWindow,
                droppedEmpty, clipped, droppedTooLong, 0, 0);
    }

    /** Rows of the window that appear nowhere in the replay: empty, too long, thinned or past the duration. */
    public int rowsDropped() {
        return droppedEmpty + droppedTooLong + thinned + pastDuration;
    }

    /** Mean requests per second over the window. */
    public double meanRate() {
        return durationSeconds > 0 ? requests.size() / durationSeconds : Double.NaN;
    }
}
