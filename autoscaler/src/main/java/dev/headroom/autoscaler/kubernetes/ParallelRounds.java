package dev.headroom.autoscaler.kubernetes;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs one tick's workload rounds, at most {@code parallelism} at once, and returns when all are done.
 *
 * <p>Why: a round spends most of its time waiting (the scale read from the API server, the pods' polls), a few
 * milliseconds each; one after another, 200 workloads of 10 pods take longer than a 1 s tick. Why bounded: the
 * rounds share the API server, the HTTP clients and a few cores, and more than a handful at once only queues there.
 * The calling thread takes part, so {@code parallelism} 1 is the plain loop, in order, on the caller's thread (what
 * tests that drive {@code tick()} by hand see).
 *
 * <p>The rounds are handed out in order from one counter (no per-round task), each to whichever thread is free: a
 * slow workload holds one thread, the others go on. A round must not throw (the tick catches everything per
 * workload); anything that still does is rethrown here once all are done. The threads are daemons, created when
 * first needed and kept.
 */
final class ParallelRounds implements AutoCloseable {

    private final int parallelism;
    private final ExecutorService helpers;

    /** @param parallelism rounds at once, the caller's thread included */
    ParallelRounds(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be ≥ 1, got " + parallelism);
        }
        this.parallelism = parallelism;
        this.helpers = parallelism == 1 ? null : Executors.newFixedThreadPool(parallelism - 1, r -> {
            Thread t = new Thread(r, "headroom-controller-round");
            t.setDaemon(true);
            return t;
        });
    }

    int parallelism() {
        return parallelism;
    }

    /** Calls {@code round} once for each of {@code 0 .. count-1}, at most {@code parallelism} at once. */
    void run(int count, IntConsumer round) {
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                round.accept(i);
            }
        };
        int helping = Math.min(parallelism, count) - 1;
        List<Future<?>> started = new ArrayList<>(Math.max(0, helping));
        for (int h = 0; h < helping; h++) {
            started.add(helpers.submit(worker));
        }
        RuntimeException failed = null;
        try {
            worker.run();
        } catch (RuntimeException e) {
            failed = e;
        }
        boolean interrupted = false;
        for (Future<?> f : started) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (failed == null) {
                        failed = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failed != null) {
            throw failed;
        }
    }

    @Override
    public void close() {
        if (helpers != null) {
            helpers.shutdownNow();
        }
    }
}
