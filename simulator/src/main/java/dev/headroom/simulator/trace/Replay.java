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
 */
public record Replay(List<SimRequest> requests, double rateMultiplier, double durationSeconds, int passes, double peakRate,
        double peakWindowSeconds, int outsideWindow, int droppedEmpty, int clipped, int droppedTooLong) {

    public Replay {
        requests = List.copyOf(requests);
    }

    /** Mean requests per second over the window. */
    public double meanRate() {
        return durationSeconds > 0 ? requests.size() / durationSeconds : Double.NaN;
    }
}
