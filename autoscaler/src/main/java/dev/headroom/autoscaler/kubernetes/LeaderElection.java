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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one place leadership is decided: a {@code coordination.k8s.io/v1} Lease held through fabric8's
 * {@code LeaderElector}. Only the leader changes replica counts and writes status; every controller still
 * polls and decides, so a new leader starts with warm windows and a full decision book. A controller that
 * loses the lease goes back to candidate and tries again; closing releases the lease so that another takes
 * over at once rather than after the lease expires.
 */
public final class LeaderElection implements LeadershipCheck, AutoCloseable {

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

    public LeaderElection(KubernetesClient client, Settings settings, ExecutorService executor) {
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** Starts campaigning; returns at once. */
    public void start() {
        if (closed.get()) {
            throw new IllegalStateException("leader election was closed");
        }
        campaign();
    }

    private void campaign() {
        LeaderCallbacks callbacks = new LeaderCallbacks(() -> leading.set(true), () -> leading.set(false),
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
            if (!closed.get() && !f.isCancelled()) {
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
            CompletableFuture<?> f = running.get();
            if (f != null) {
                f.cancel(true);
            }
            leading.set(false);
        }
    }
}
