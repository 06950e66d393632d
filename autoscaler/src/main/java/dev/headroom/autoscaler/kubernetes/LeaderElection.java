package dev.headroom.autoscaler.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one place leadership is decided: a {@code coordination.k8s.io/v1} Lease held through fabric8's
 * {@code LeaderElector}. Only the leader changes replica counts and writes status; every controller still
 * polls and decides, so a new leader starts with warm windows and a full decision book. A controller that
 * loses the lease goes back to candidate and tries again; closing releases the lease so that another takes
 * over at once rather than after the lease expires.
 *
 * <p>Renewal is tied to the decision loop's progress when a {@link LoopHeartbeat} is given: fabric8's elector
 * renews on its own thread whatever the loop does, so a leader whose tick is stuck (a policy blocked in a call, a
 * dead scheduler) would keep the Lease and nobody would scale. A watchdog on its own thread asks the heartbeat every
 * retry period; when the loop has stalled it cancels the elector, which releases the Lease (the standby takes over
 * within one retry period), and it does not campaign again until the loop comes round again.
 */
public final class LeaderElection implements LeadershipCheck, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LeaderElection.class.getName());

    /**
     * @param namespace     where the Lease lives
     * @param leaseName     the Lease's name (one per controller deployment)
     * @param identity      this controller (the pod name)
     * @param leaseDuration how long a leader that stopped renewing keeps the lease
     * @param renewDeadline how long the leader keeps trying to renew before it steps down
     * @param retryPeriod   how often candidates try and the leader renews
     */
    public record Settings(String namespace, String leaseName, String identity, Duration leaseDuration,
                           Duration renewDeadline, Duration retryPeriod) {
        public Settings {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(leaseName, "leaseName");
            Objects.requireNonNull(identity, "identity");
            if (!(leaseDuration.compareTo(renewDeadline) > 0 && renewDeadline.compareTo(retryPeriod) > 0
                    && !retryPeriod.isNegative() && !retryPeriod.isZero())) {
                throw new IllegalArgumentException("leader election needs leaseDuration > renewDeadline > "
                        + "retryPeriod > 0, got " + leaseDuration + ", " + renewDeadline + ", " + retryPeriod);
            }
        }

        /** Kubernetes' own controllers' timings: 15 s lease, 10 s renew deadline, 2 s retry. */
        public static Settings standard(String namespace, String leaseName, String identity) {
            return new Settings(namespace, leaseName, identity, Duration.ofSeconds(15), Duration.ofSeconds(10),
                    Duration.ofSeconds(2));
        }
    }

    private final KubernetesClient client;
    private final Settings settings;
    private final ExecutorService executor;
    private final AtomicBoolean leading = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicReference<String> leader = new AtomicReference<>();
    private final AtomicReference<CompletableFuture<?>> running = new AtomicReference<>();
    private final Optional<LoopHeartbeat> heartbeat;
    private final Optional<ScheduledExecutorService> watchdog;
    private final AtomicBoolean stalled = new AtomicBoolean();
    private volatile ScheduledFuture<?> watching;

    /** Leadership not tied to any loop (a test, or a caller that checks progress itself). */
    public LeaderElection(KubernetesClient client, Settings settings, ExecutorService executor) {
        this(client, settings, executor, Optional.empty(), Optional.empty());
    }

    /**
     * Leadership held only while {@code heartbeat} says the loop is coming round, checked every retry period on
     * {@code watchdog} (a thread the loop does not use, or a stuck loop would stop its own watchdog).
     */
    public LeaderElection(KubernetesClient client, Settings settings, ExecutorService executor,
                          LoopHeartbeat heartbeat, ScheduledExecutorService watchdog) {
        this(client, settings, executor, Optional.of(heartbeat), Optional.of(watchdog));
    }

    private LeaderElection(KubernetesClient client, Settings settings, ExecutorService executor,
                           Optional<LoopHeartbeat> heartbeat, Optional<ScheduledExecutorService> watchdog) {
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.heartbeat = heartbeat;
        this.watchdog = watchdog;
    }

    /** Starts campaigning; returns at once. */
    public void start() {
        if (closed.get()) {
            throw new IllegalStateException("leader election was closed");
        }
        campaign();
        watchdog.ifPresent(w -> {
            long period = settings.retryPeriod().toNanos();
            watching = w.scheduleWithFixedDelay(this::checkProgress, period, period, TimeUnit.NANOSECONDS);
        });
    }

    /** Whether leadership is given up because the loop stalled (and not yet taken up again). */
    public boolean steppedDownForStall() {
        return stalled.get();
    }

    /** The watchdog's round: step down on a stall, campaign again when the loop comes round. Never throws. */
    void checkProgress() {
        try {
            if (closed.get() || heartbeat.isEmpty()) {
                return;
            }
            LoopHeartbeat h = heartbeat.get();
            if (!h.comingRound()) {
                if (stalled.compareAndSet(false, true)) {
                    LOG.log(Level.SEVERE, "the decision loop has not come round since " + h.lastBeat() + " (over "
                            + h.stallAfter() + "): " + settings.identity() + " gives up Lease " + settings.namespace()
                            + "/" + settings.leaseName() + " and stops campaigning until it does");
                    CompletableFuture<?> f = running.getAndSet(null);
                    if (f != null) {
                        f.cancel(true); // releases the Lease when held (releaseOnCancel)
                    }
                    leading.set(false);
                }
            } else if (stalled.compareAndSet(true, false)) {
                LOG.info("the decision loop comes round again: " + settings.identity() + " campaigns for Lease "
                        + settings.namespace() + "/" + settings.leaseName());
                campaign();
            }
        } catch (Throwable e) {
            LOG.log(Level.WARNING, "leader election watchdog failed; it checks again in " + settings.retryPeriod(), e);
        }
    }

    private void campaign() {
        if (closed.get()) {
            return;
        }
        LeaderCallbacks callbacks = new LeaderCallbacks(() -> leading.set(!stalled.get()), () -> leading.set(false),
                leader::set);
        LeaderElectionConfig config = new LeaderElectionConfig(
                new LeaseLock(settings.namespace(), settings.leaseName(), settings.identity()),
                settings.leaseDuration(), settings.renewDeadline(), settings.retryPeriod(), callbacks, true,
                settings.leaseName());
        CompletableFuture<?> f = client.leaderElector().withConfig(config).build().start();
        running.set(f);
        // The elector ends when leadership is lost; campaign again unless closed.
        f.whenCompleteAsync((ok, error) -> {
            leading.set(false);
            if (!closed.get() && !f.isCancelled() && !stalled.get()) {
                campaign();
            }
        }, executor);
    }

    @Override
    public boolean isLeader() {
        return leading.get();
    }

    /** The identity of the current leader as last observed, empty before any is known. */
    public Optional<String> leader() {
        return Optional.ofNullable(leader.get());
    }

    public String identity() {
        return settings.identity();
    }

    /** Stops campaigning and releases the lease if held. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            ScheduledFuture<?> w = watching;
            if (w != null) {
                w.cancel(false);
            }
            CompletableFuture<?> f = running.get();
            if (f != null) {
                f.cancel(true);
            }
            leading.set(false);
        }
    }
}
