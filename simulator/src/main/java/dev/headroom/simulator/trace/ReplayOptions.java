package dev.headroom.simulator.trace;

import java.util.Objects;

/**
 * How to turn a {@link Trace} into engine requests.
 *
 * @param fromSeconds start of the time window, in seconds after the trace's first arrival (inclusive)
 * @param toSeconds   end of the window, same clock (exclusive); {@code +Infinity} for the rest of the trace
 * @param rescale     the change of arrival rate, applied after the window is cut
 * @param maxModelLen the engine's longest prompt + output
 * @param lengthRule  what happens to a request longer than {@code maxModelLen}
 * @param repeatUntilSeconds 0 for one pass; else the rescaled window is replayed end to end, again and
 *                    again, until this many seconds are filled (time compression shortens a trace by its
 *                    multiplier; repeating it keeps the run as long as the original — the load's shape then
 *                    recurs every {@code window ÷ k} seconds)
 */
public record ReplayOptions(double fromSeconds, double toSeconds, Rescale rescale, int maxModelLen,
        LengthRule lengthRule, double repeatUntilSeconds) {

    public ReplayOptions {
        if (!(fromSeconds >= 0) || !Double.isFinite(fromSeconds)) {
            throw new IllegalArgumentException("window start must be finite and >= 0 seconds, was " + fromSeconds);
        }
        if (!(toSeconds > fromSeconds)) {
            throw new IllegalArgumentException("window end must be after its start " + fromSeconds + ", was "
                    + toSeconds);
        }
        Objects.requireNonNull(rescale, "rescale");
        Objects.requireNonNull(lengthRule, "lengthRule");
        if (maxModelLen < 2) {
            throw new IllegalArgumentException("maxModelLen must be >= 2, was " + maxModelLen);
        }
        if (!(repeatUntilSeconds >= 0) || !Double.isFinite(repeatUntilSeconds)) {
            throw new IllegalArgumentException("repeatUntilSeconds must be finite and >= 0 (0: one pass), was "
                    + repeatUntilSeconds);
        }
    }

    /** The whole trace, rates as recorded, over-long requests clipped. */
    public static ReplayOptions whole(int maxModelLen) {
        return new ReplayOptions(0, Double.POSITIVE_INFINITY, Rescale.none(), maxModelLen, LengthRule.CLIP, 0);
    }

    public ReplayOptions withWindow(double from, double to) {
        return new ReplayOptions(from, to, rescale, maxModelLen, lengthRule, repeatUntilSeconds);
    }

    public ReplayOptions withRescale(Rescale r) {
        return new ReplayOptions(fromSeconds, toSeconds, r, maxModelLen, lengthRule, repeatUntilSeconds);
    }

    public ReplayOptions withLengthRule(LengthRule rule) {
        return new ReplayOptions(fromSeconds, toSeconds, rescale, maxModelLen, rule, repeatUntilSeconds);
    }

    /** Replays the rescaled window end to end until {@code seconds} are filled (0: one pass). */
    public ReplayOptions repeatedUntil(double seconds) {
        return new ReplayOptions(fromSeconds, toSeconds, rescale, maxModelLen, lengthRule, seconds);
    }
}
