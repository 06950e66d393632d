package dev.headroom.agent.controller;

import dev.headroom.autoscaler.kubernetes.Backoff;
import dev.headroom.autoscaler.kubernetes.DecisionListener;
import dev.headroom.autoscaler.kubernetes.EngineScrapes;
import dev.headroom.autoscaler.kubernetes.EventRecorder;
import dev.headroom.autoscaler.kubernetes.HeadroomController;
import dev.headroom.autoscaler.kubernetes.KubernetesScaleActuator;
import dev.headroom.autoscaler.kubernetes.LeaderElection;
import dev.headroom.autoscaler.kubernetes.LeadershipCheck;
import dev.headroom.autoscaler.kubernetes.ShardedLeases;
import dev.headroom.autoscaler.kubernetes.WorkloadOwnership;
import dev.headroom.autoscaler.kubernetes.SidecarPoller;
import dev.headroom.autoscaler.policy.HpaCompatiblePolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One running controller and everything it owns (client, threads, Lease), built from plain library objects;
 * closing it stops the ticks, releases the Lease and closes the client.
 *
 * <p>The Lease is renewed only while the controller's tick comes round ({@link HeadroomController#heartbeat()},
 * checked on a watchdog thread of its own): a leader whose loop stalls gives the Lease up. Closing never waits on
 * a stuck tick: every thread here is a daemon and is interrupted, not joined, so a shutdown ends within the pod's
 * grace period whatever a policy is doing.
 */
public record ControllerRun(KubernetesClient client, HeadroomController controller, LeadershipCheck leadership,
                            Optional<LeaderElection> election, Optional<ShardedLeases> shards,
                            ScheduledExecutorService scheduler,
                            ExecutorService workers, ScheduledExecutorService watchdog) implements AutoCloseable {

    /** Builds and starts the controller role. */
    public static ControllerRun start(KubernetesClient client, ControllerConfig config, MeterRegistry registry) {
        return start(client, config, registry, DecisionListener.NONE);
    }

    /**
     * Builds and starts the controller role, telling {@code observer} of every decision and tick after the meters
     * (the fleet benchmark measures the production controller this way).
     */
    public static ControllerRun start(KubernetesClient client, ControllerConfig config, MeterRegistry registry,
                                      DecisionListener observer) {
        InstantSource clock = InstantSource.system();
        ExecutorService workers = Executors.newFixedThreadPool(4, daemon("headroom-controller-io"));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(daemon("headroom-controller"));
        String identity = config.identity().or(() -> Optional.ofNullable(System.getenv("HOSTNAME")))
                .orElse("headroom-controller-" + ProcessHandle.current().pid());
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(daemon("headroom-lease-watchdog"));
        // The controller needs the leadership check and the election needs the controller's heartbeat.
        AtomicReference<LeadershipCheck> elected = new AtomicReference<>(() -> false);
        LeadershipCheck leadership = () -> elected.get().isLeader();
        String leaseNamespace = config.leaseNamespace().or(config::namespace).orElse("default");
        if (config.shards() < 1 || config.shards() > ShardedLeases.MAX_SHARDS) {
            throw new IllegalArgumentException("headroom.controller.shards must be 1 to " + ShardedLeases.MAX_SHARDS
                    + ", got " + config.shards());
        }
        // Sharded: the shard's holder decides and acts; its heartbeat is the controller's, set once that exists.
        AtomicReference<WorkloadOwnership> owned = new AtomicReference<>(key -> false);
        WorkloadOwnership ownership = config.shards() > 1 ? key -> owned.get().owns(key) : WorkloadOwnership.ALL;
        HeadroomController.Settings settings = settings(config);
        HeadroomController controller = new HeadroomController(client, settings,
                clock, new HpaCompatiblePolicy(clock),
                new KubernetesScaleActuator(client, Backoff.defaults(), Backoff.Sleeper.REAL),
                new SidecarPoller(config.pollTimeout(), clock, workers, SidecarPoller.DEFAULT_CLIENTS),
                EngineScrapes.defaults(settings.interval(), config.pollTimeout(), clock),
                HeadroomController.DEFAULT_PARALLELISM, leadership, ownership,
                new EventRecorder(client, clock, identity),
                DecisionListener.both(new ControllerMeters(registry), observer));
        Optional<LeaderElection> election = Optional.empty();
        Optional<ShardedLeases> shards = Optional.empty();
        if (config.shards() > 1) {
            ShardedLeases s = new ShardedLeases(client, ShardedLeases.Settings.standard(leaseNamespace,
                    config.leaseName(), identity, config.shards()), clock, Optional.of(controller.heartbeat()));
            s.start(watchdog);
            shards = Optional.of(s);
            owned.set(s);
            elected.set(LeadershipCheck.ALWAYS);
        } else if (config.leaderElection()) {
            LeaderElection e = new LeaderElection(client, LeaderElection.Settings.standard(leaseNamespace,
                    config.leaseName(),
                    identity), workers, controller.heartbeat(), watchdog);
            e.start();
            election = Optional.of(e);
            elected.set(e);
        } else {
            elected.set(LeadershipCheck.ALWAYS);
        }
        controller.start(scheduler);
        return new ControllerRun(client, controller, leadership, election, shards, scheduler, workers, watchdog);
    }

    /** The controller's settings: what the configuration sets, the controller's own defaults for the rest. */
    static HeadroomController.Settings settings(ControllerConfig config) {
        HeadroomController.Settings defaults = HeadroomController.Settings.defaults();
        return new HeadroomController.Settings(config.namespace(), config.interval().orElse(defaults.interval()),
                config.maxDataAge().orElse(defaults.maxDataAge()),
                config.readinessDelay().orElse(defaults.readinessDelay()));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        controller.close();
        election.ifPresent(LeaderElection::close);
        shards.ifPresent(ShardedLeases::close);
        scheduler.shutdownNow();
        watchdog.shutdownNow();
        workers.shutdownNow();
        client.close();
    }
}
