package dev.headroom.evaluation;

import java.time.Instant;
import java.time.InstantSource;

/**
 * The simulated cluster's clock as an {@link InstantSource}: virtual seconds since the run started, laid on a
 * fixed epoch so that the same run always stamps the same instants. One controller's clock; it is set by
 * that controller's thread only, at each tick, before any code that reads it.
 */
final class VirtualClock implements InstantSource {

    /** 2024-01-01T00:00:00Z: any fixed instant would do. */
    static final long EPOCH_SECOND = 1_704_067_200L;

    private volatile Instant now = Instant.ofEpochSecond(EPOCH_SECOND);

    /** Moves the clock to {@code seconds} after the run's start. */
    Instant set(double seconds) {
        long whole = (long) Math.floor(seconds);
        long nanos = Math.round((seconds - whole) * 1e9);
        Instant t = Instant.ofEpochSecond(EPOCH_SECOND + whole, nanos);
        now = t;
        return t;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
