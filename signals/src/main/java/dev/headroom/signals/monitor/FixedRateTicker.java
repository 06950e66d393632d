package dev.headroom.signals.monitor;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Runs a task on beats {@code origin + k·period}, one run at a time, and drops the beats a slow run missed instead
 * of making them up. As Go's {@code time.Ticker} (a channel of one: a tick missed while the receiver was busy is
 * delivered at once, further ones are dropped), so after a run that overran one or more beats the next run starts
 * at once, and the one after that is back on the grid.
 *
 * <p>Why not {@link ScheduledExecutorService#scheduleAtFixedRate}: it keeps every beat, so a scrape that hung for its
 * 10 s timeout at 1 s intervals is followed by nine scrapes back to back, a burst against an engine that has just
 * shown it is struggling, and nine samples a few milliseconds apart whose rates are noise. Why not a fixed delay:
 * the period becomes the interval plus the run (1.05 s measured at 1 s), and a 1 Hz consumer sees a sample twice.
 *
 * <p>A {@link Throwable} from the task is the task's to catch: one that escapes ends the ticker, as it would a
 * {@code ScheduledExecutorService}'s schedule, but here {@link #stopped()} then says so. Thread-safe.
 */
public final class FixedRateTicker implements AutoCloseable {

    private final ScheduledExecutorService scheduler;
    private final long period;
    private final Runnable task;
    private final LongSupplier nanoTime;
    private final AtomicLong dropped = new AtomicLong();
    private volatile long beat;
    private volatile ScheduledFuture<?> next;
    private volatile boolean closed;
    private volatile boolean stopped;

    private FixedRateTicker(ScheduledExecutorService scheduler, Duration period, Runnable task, LongSupplier nanoTime) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.period = period.toNanos();
        this.task = Objects.requireNonNull(task, "task");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        if (this.period <= 0) {
            throw new IllegalArgumentException("period must be positive: " + period);
        }
    }

    /** Runs {@code task} now and then on every beat of {@code period} on {@code scheduler} until closed. */
    public static FixedRateTicker start(ScheduledExecutorService scheduler, Duration period, Runnable task) {
        return start(scheduler, period, task, System::nanoTime);
    }

    static FixedRateTicker start(ScheduledExecutorService scheduler, Duration period, Runnable task,
                                 LongSupplier nanoTime) {
        FixedRateTicker t = new FixedRateTicker(scheduler, period, task, nanoTime);
        t.beat = nanoTime.getAsLong();
        t.next = scheduler.schedule(t::run, 0, TimeUnit.NANOSECONDS);
        return t;
    }

    /**
     * The beat of the next run, after a run on {@code beat} that ended at {@code now}: the next beat if it is still
     * ahead, else the latest beat already passed (run at once; those before it are dropped).
     */
    static long nextBeat(long beat, long now, long period) {
        long following = beat + period;
        if (now - following <= 0) {
            return following;
        }
        return beat + (now - beat) / period * period;
    }

    private void run() {
        if (closed) {
            return;
        }
        boolean completed = false;
        try {
            task.run();
            completed = true;
        } finally {
            if (!completed) {
                stopped = true;
            } else if (!closed) {
                long now = nanoTime.getAsLong();
                long following = nextBeat(beat, now, period);
                long missed = (following - beat) / period - 1;
                if (missed > 0) {
                    dropped.addAndGet(missed);
                }
                beat = following;
                try {
                    next = scheduler.schedule(this::run, Math.max(0, following - now), TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    // The scheduler was shut down: the ticker ends with it.
                    stopped = true;
                }
            }
        }
    }

    /** Beats dropped because a run was still going when they came (not made up later). */
    public long droppedBeats() {
        return dropped.get();
    }

    /** Whether the ticker ended other than by {@link #close()}: the task threw, or the scheduler was shut down. */
    public boolean stopped() {
        return stopped;
    }

    /** No run starts after this; a run in progress finishes. */
    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> f = next;
        if (f != null) {
            f.cancel(false);
        }
    }
}
