package dev.headroom.agent.demo;

import dev.headroom.autoscaler.loop.ScaleActuator;
import dev.headroom.autoscaler.loop.ScaleException;
import dev.headroom.autoscaler.loop.ScaleTarget;
import dev.headroom.autoscaler.policy.ReplicaReport;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineServer;
import dev.headroom.simulator.EngineSnapshot;
import dev.headroom.simulator.ServerOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Simulated replicas on this machine, scaled as a Deployment would be: the demo's {@link ScaleActuator}, which the
 * controller's {@link dev.headroom.autoscaler.loop.DecisionLoop} drives as it drives the scale subresource. Each replica
 * is an {@link EngineServer} on its own port with its own {@link ReplicaSidecar}. A new replica starts at once but is
 * ready only after the cold start (loading weights); until then it gets no traffic and counts as capacity on its way.
 * Scaling down removes replicas not ready yet first, then the newest, as a ReplicaSet does; a removed replica gets
 * no new traffic and is stopped once its requests are done (or after the drain limit).
 */
public final class LocalReplicas implements ScaleActuator, AutoCloseable {

    /** The longest a removed replica may keep serving what it holds. */
    static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);

    /** One replica: its engine, its sidecar, and when it is (or was) ready. */
    public static final class Replica {
        private final String name;
        private final EngineServer engine;
        private final ReplicaSidecar sidecar;
        private final Instant readyAt;
        private Instant drainingSince;

        Replica(String name, EngineServer engine, ReplicaSidecar sidecar, Instant readyAt) {
            this.name = name;
            this.engine = engine;
            this.sidecar = sidecar;
            this.readyAt = readyAt;
        }

        public String name() {
            return name;
        }

        public EngineServer engine() {
            return engine;
        }

        public ReplicaSidecar sidecar() {
            return sidecar;
        }

        public boolean readyAt(Instant now) {
            return drainingSince == null && !readyAt.isAfter(now);
        }
    }

    private final EngineConfig config;
    private final ServerOptions options;
    private final Duration coldStart;
    private final Duration scrapeInterval;
    private final InstantSource clock;
    private final List<Replica> serving = new ArrayList<>();
    private final List<Replica> draining = new ArrayList<>();
    private int started;

    /**
     * @param coldStart      how long a new replica takes to become ready
     * @param scrapeInterval how often each replica's sidecar scrapes its engine
     */
    public LocalReplicas(EngineConfig config, ServerOptions options, Duration coldStart, Duration scrapeInterval,
                         InstantSource clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.options = Objects.requireNonNull(options, "options");
        this.coldStart = Objects.requireNonNull(coldStart, "coldStart");
        this.scrapeInterval = Objects.requireNonNull(scrapeInterval, "scrapeInterval");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (coldStart.isNegative()) {
            throw new IllegalArgumentException("--cold-start cannot be negative, was " + coldStart);
        }
    }

    /** Starts {@code n} replicas that are ready at once (the workload before the demo begins). */
    public synchronized void startWarm(int n) {
        for (int i = 0; i < n; i++) {
            add(clock.instant());
        }
    }

    @Override
    public synchronized int currentReplicas(ScaleTarget target) {
        return serving.size();
    }

    @Override
    public synchronized Scaled scale(ScaleTarget target, int replicas) throws ScaleException {
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas cannot be negative, got " + replicas);
        }
        int from = serving.size();
        Instant now = clock.instant();
        try {
            while (serving.size() < replicas) {
                add(now.plus(coldStart));
            }
        } catch (UncheckedIOException e) {
            throw new ScaleException(ScaleException.Kind.REJECTED, 1, "could not start a replica: " + e.getCause(), e);
        }
        while (serving.size() > replicas) {
            Replica victim = serving.stream().filter(r -> !r.readyAt(now)).reduce((a, b) -> b)
                    .orElse(serving.get(serving.size() - 1));
            serving.remove(victim);
            victim.drainingSince = now;
            draining.add(victim);
        }
        return new Scaled(from, replicas, 1);
    }

    private void add(Instant readyAt) {
        String name = "engine-" + (started++);
        try {
            EngineServer engine = EngineServer.start(config, options);
            ReplicaSidecar sidecar = ReplicaSidecar.start(
                    ReplicaSidecar.defaultSettings(engine.baseUri().resolve("/metrics"), scrapeInterval), clock, name);
            serving.add(new Replica(name, engine, sidecar, readyAt));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The replicas that take traffic now. */
    public synchronized List<LeastLoadedBalancer.Backend> readyBackends() {
        Instant now = clock.instant();
        return serving.stream().filter(r -> r.readyAt(now))
                .map(r -> new LeastLoadedBalancer.Backend(r.name, r.engine.baseUri())).toList();
    }

    /** What the controller knows of each replica now: ready ones with their sidecar's signals, the rest not ready. */
    public synchronized List<ReplicaReport> reports() {
        Instant now = clock.instant();
        return serving.stream().map(r -> r.readyAt(now) ? ReplicaReport.ready(r.name, r.sidecar.snapshot().signals())
                : ReplicaReport.notReady(r.name)).toList();
    }

    /** The replicas counted by the scale (ready or starting), oldest first. */
    public synchronized List<Replica> serving() {
        return List.copyOf(serving);
    }

    /** Ready replicas now. */
    public synchronized int ready() {
        Instant now = clock.instant();
        return (int) serving.stream().filter(r -> r.readyAt(now)).count();
    }

    /** Stops removed replicas that have finished their requests or drained for too long. */
    public synchronized void reap() {
        Instant now = clock.instant();
        draining.removeIf(r -> {
            EngineSnapshot s = r.engine.snapshot();
            boolean done = s.running() + s.waiting() == 0
                    || !r.drainingSince.plus(DRAIN_LIMIT).isAfter(now);
            if (done) {
                stop(r);
            }
            return done;
        });
    }

    private static void stop(Replica r) {
        r.sidecar.close();
        r.engine.close();
    }

    @Override
    public synchronized void close() {
        serving.forEach(LocalReplicas::stop);
        draining.forEach(LocalReplicas::stop);
        serving.clear();
        draining.clear();
    }
}
