package dev.headroom.autoscaler.kubernetes;

import java.time.Duration;
import java.util.Objects;

/**
 * Retries of a Kubernetes write: at most {@code maxAttempts} tries; after a server error or an unreachable
 * API server the n-th retry waits {@code initial × 2^(n−1)}, capped at {@code max}. A conflict is retried at
 * once (the object is read again first: the wait would only make the copy older).
 *
 * @param maxAttempts tries in all, at least 1
 * @param initial     the first wait
 * @param max         the longest wait
 */
public record Backoff(int maxAttempts, Duration initial, Duration max) {

    private static final Backoff DEFAULT = new Backoff(5, Duration.ofMillis(100), Duration.ofSeconds(2));

    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new IllegalArgumentException("maxAttempts must be 1 to 20, got " + maxAttempts);
        }
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 ≤ initial ≤ max, got " + initial + " and " + max);
        }
    }

    /** 5 tries, 100 ms doubling to at most 2 s: under 4 s of waiting in all. */
    public static Backoff defaults() {
        return DEFAULT;
    }

    /** The wait before retry number {@code retry} (1 for the first retry). */
    public Duration delay(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retries count from 1, got " + retry);
        }
        Duration d = initial;
        for (int i = 1; i < retry && d.compareTo(max) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(max) > 0 ? max : d;
    }

    /** How the actuator waits between tries; tests pass one that records instead of waiting. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;

        Sleeper REAL = d -> Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
    }
}
