package dev.headroom.autoscaler.kubernetes;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Whether a loop is still coming round: the loop {@link #beat() beats} as it makes progress, anyone may ask whether
 * the last beat is recent. The controller beats after each workload and at the end of each tick, so a slow tick over
 * many policies is progress and a tick stuck in one policy is not. {@link LeaderElection} asks it before it renews:
 * a leader whose loop has stalled gives up its Lease, so that a standby that is deciding takes over.
 *
 * <p>Time is the injected clock's (a test moves it by hand); thread-safe, one volatile field.
 */
public final class LoopHeartbeat {

    private final InstantSource clock;
    private final Duration stallAfter;
    private volatile Instant last;

    /**
     * @param clock      the loop's clock
     * @param stallAfter no beat for longer than this: the loop has stalled
     */
    public LoopHeartbeat(InstantSource clock, Duration stallAfter) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stallAfter = Objects.requireNonNull(stallAfter, "stallAfter");
        if (stallAfter.isZero() || stallAfter.isNegative()) {
            throw new IllegalArgumentException("a stall must be a positive duration, got " + stallAfter);
        }
        this.last = clock.instant();
    }

    /** The loop made progress now. */
    public void beat() {
        last = clock.instant();
    }

    /** When the loop last made progress (its creation, before any beat). */
    public Instant lastBeat() {
        return last;
    }

    public Duration stallAfter() {
        return stallAfter;
    }

    /** Whether the last beat is at most {@link #stallAfter()} old. */
    public boolean comingRound() {
        return Duration.between(last, clock.instant()).compareTo(stallAfter) <= 0;
    }
}
