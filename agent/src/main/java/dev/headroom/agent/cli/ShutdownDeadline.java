package dev.headroom.agent.cli;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A SIGTERM always ends a long-running role (sidecar, controller) within the pod's grace period: a shutdown hook
 * that waits {@link #DEFAULT} and then halts the JVM, whatever the other hooks and the application's shutdown are
 * doing. Quarkus' orderly shutdown (stop the loops without waiting on them, release the Lease, close the servers)
 * normally ends the process in well under a second, and the halt never comes; it is there for the shutdown that
 * would wait on a stuck thread, a lock held by a hung scrape, or a JVM left half-broken by an {@link Error}.
 *
 * <p>Shutdown hooks run concurrently, so this one's clock starts with SIGTERM. 20 s leaves 10 s of Kubernetes'
 * default 30 s {@code terminationGracePeriodSeconds} before the kubelet's SIGKILL. An {@link OutOfMemoryError}
 * raised by the JVM does not get here: {@code -XX:+ExitOnOutOfMemoryError} (the launcher's and the image's flags)
 * ends the process at once.
 */
public final class ShutdownDeadline {

    /** How long a shutdown may take before the JVM is halted. */
    public static final Duration DEFAULT = Duration.ofSeconds(20);
    /** The exit status of a halted shutdown (128 + SIGTERM's 15, as a shell reports a process ended by it). */
    public static final int HALT_STATUS = 143;

    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private ShutdownDeadline() {
    }

    /** Installs the hook once per JVM; later calls do nothing. */
    public static void install(Duration deadline) {
        if (!INSTALLED.compareAndSet(false, true)) {
            return;
        }
        // The hook itself returns at once (the JVM waits for every hook, so a hook that waited would make every
        // shutdown last the whole deadline); it schedules the halt on a daemon thread, which dies with the JVM when
        // the shutdown ends in time and halts it when it does not.
        Thread hook = new Thread(() -> {
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "headroom-shutdown-deadline");
                t.setDaemon(true);
                return t;
            });
            timer.schedule(() -> {
                System.err.println("headroom: shutdown still running after " + deadline.toSeconds()
                        + " s; halting the JVM");
                Runtime.getRuntime().halt(HALT_STATUS);
            }, deadline.toMillis(), TimeUnit.MILLISECONDS);
        }, "headroom-shutdown-deadline-start");
        Runtime.getRuntime().addShutdownHook(hook);
    }
}
