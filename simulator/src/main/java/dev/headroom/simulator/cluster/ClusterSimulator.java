package dev.headroom.simulator.cluster;

import dev.headroom.simulator.EngineModel;
import dev.headroom.simulator.RequestResult;
import dev.headroom.simulator.SimRequest;
import dev.headroom.simulator.VllmMetricsRenderer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Consumer;

/**
 * A cluster of simulated engines in virtual time: one discrete-event loop over every replica, each
 * stepping on its own timeline. The next event is always the earliest of the next arrival, the earliest end
 * of a replica's step, a replica finishing its cold start, and the next scrape or control tick; time jumps
 * straight there. Events at the same instant are applied in a fixed order — step ends, replicas becoming
 * ready, arrivals, the scrape tick, the control tick, then every idle replica with work starts a step — so a
 * run is deterministic: the same config, requests and controller give the same {@link ClusterRun}.
 *
 * <p>Scaling, as a Kubernetes Deployment does it:
 * <ul>
 *   <li><b>Up</b>: a new replica is billed from the moment it is requested and serves {@code coldStartSeconds}
 *       later. Requests that arrive while no replica is ready wait at the balancer.</li>
 *   <li><b>Down</b>, in the order of Kubernetes' {@code ActivePodsWithRanks} ({@code pkg/controller/
 *       controller_utils.go}) for one pod per node and no restarts: replicas still starting (not ready) go
 *       first, newest first; then the lowest {@code pod-deletion-cost} ({@link ReplicaController#deletionCosts},
 *       0 when unset); then the most recently ready; then the newest. (With {@code LogarithmicScaleDown} Kubernetes
 *       compares ready times in powers of two and breaks ties by pod UID, a pseudo-random order; exact times and
 *       the replica id keep a run deterministic.) A replica scaled away <em>drains</em>: the balancer stops
 *       sending to it at once (readiness off) and it keeps serving what it holds for up to
 *       {@code terminationGraceSeconds}, then stops; whatever is unfinished then is lost
 *       ({@link ClusterRun#lost()}). It is billed until it stops. With an unbounded grace period it finishes
 *       everything.</li>
 * </ul>
 * Engines are rendered as {@code /metrics} text only when a controller asks ({@link ReplicaView#exposition()}),
 * so a controller that reads nothing costs nothing. Each {@link #run} is independent: one simulator may
 * run several on different threads.
 */
public final class ClusterSimulator {

    private final ClusterConfig config;

    public ClusterSimulator(ClusterConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public ClusterConfig config() {
        return config;
    }

    /** Runs every request to completion under {@code controller}. */
    public ClusterRun run(List<SimRequest> requests, ReplicaController controller) {
        return run(requests, controller, sample -> { });
    }

    /**
     * As {@link #run(List, ReplicaController)}, handing each control tick's sample to {@code onTick} as the run
     * reaches it (for progress).
     *
     * @param requests sorted by arrival, each within the engine's {@code maxModelLen}
     * @throws IllegalArgumentException naming the request when one is out of order or too long
     */
    public ClusterRun run(List<SimRequest> requests, ReplicaController controller, Consumer<ClusterSample> onTick) {
        Objects.requireNonNull(controller, "controller");
        Objects.requireNonNull(onTick, "onTick");
        int maxLen = config.engine().maxModelLen();
        double last = 0;
        for (SimRequest r : requests) {
            if (r.arrivalSeconds() < last) {
                throw new IllegalArgumentException("requests must be sorted by arrival: request " + r.id()
                        + " arrives at " + r.arrivalSeconds() + " after one at " + last);
            }
            if (r.totalTokens() > maxLen) {
                throw new IllegalArgumentException("request " + r.id() + ": prompt + output = " + r.totalTokens()
                        + " tokens exceeds the engine's maxModelLen " + maxLen + "; clip or drop it first");
            }
            last = r.arrivalSeconds();
        }
        return new Run(List.copyOf(requests), controller, onTick).execute();
    }

    /** One replica's mutable state. */
    private static final class Replica {
        final int id;
        final String name;
        final EngineModel model;
        final double requestedAt;
        final double readyAt;
        ReplicaPhase phase;
        double becameReady = Double.NaN;
        double drainedFrom = Double.NaN;
        double stoppedAt = Double.NaN;
        double stepEnd = Double.POSITIVE_INFINITY;
        /** When a draining replica's grace period ends. */
        double drainDeadline = Double.POSITIVE_INFINITY;
        /** Its {@code pod-deletion-cost}, as the controller last set it (0: unset). */
        int deletionCost;
        long served;

        Replica(int id, EngineModel model, double requestedAt, double readyAt, ReplicaPhase phase) {
            this.id = id;
            this.name = "replica-" + id;
            this.model = model;
            this.requestedAt = requestedAt;
            this.readyAt = readyAt;
            this.phase = phase;
            if (phase == ReplicaPhase.READY) {
                this.becameReady = requestedAt;
            }
        }

        boolean serving() {
            return phase == ReplicaPhase.READY || phase == ReplicaPhase.DRAINING;
        }

        int load() {
            return model.runningCount() + model.waitingCount();
        }
    }

    private final class Run {
        private final List<SimRequest> requests;
        private final ReplicaController controller;
        private final Consumer<ClusterSample> onTick;
        private final ServedRequest[] served;
        private final List<Replica> all = new ArrayList<>();
        private final List<Replica> active = new ArrayList<>();   // not stopped, by id
        private final List<Replica> ready = new ArrayList<>();    // READY, by id: the balancer's choice
        private final ArrayDeque<Integer> pending = new ArrayDeque<>();
        private final List<ClusterSample> series = new ArrayList<>();
        private final List<ScaleEvent> scaleEvents = new ArrayList<>();
        private final List<LostRequest> lost = new ArrayList<>();
        private long roundRobin;
        private long steps;
        private int arrivalsSinceControl;
        private double lastControl;
        private boolean stoppedSome;

        Run(List<SimRequest> requests, ReplicaController controller, Consumer<ClusterSample> onTick) {
            this.requests = requests;
            this.controller = controller;
            this.onTick = onTick;
            this.served = new ServedRequest[requests.size()];
        }

        ClusterRun execute() {
            for (int i = 0; i < config.initialReplicas(); i++) {
                addReplica(0, ReplicaPhase.READY);
            }
            rebuildReady();
            int n = requests.size();
            int next = 0;
            long controlIndex = 1;
            long scrapeIndex = 1;
            double nextControl = config.controlIntervalSeconds();
            double nextScrape = config.scrapeIntervalSeconds();
            double now = 0;
            while (next < n || busy()) {
                double t = next < n ? requests.get(next).arrivalSeconds() : Double.POSITIVE_INFINITY;
                for (int i = 0; i < active.size(); i++) {
                    Replica r = active.get(i);
                    if (r.stepEnd < t) {
                        t = r.stepEnd;
                    }
                    if (r.phase == ReplicaPhase.STARTING && r.readyAt < t) {
                        t = r.readyAt;
                    }
                    if (r.phase == ReplicaPhase.DRAINING && r.drainDeadline < t) {
                        t = r.drainDeadline;
                    }
                }
                now = Math.min(t, Math.min(nextScrape, nextControl));

                for (int i = 0; i < active.size(); i++) {
                    Replica r = active.get(i);
                    if (r.stepEnd <= now) {
                        r.model.finishStep();
                        r.stepEnd = Double.POSITIVE_INFINITY;
                        if (r.phase == ReplicaPhase.DRAINING && !r.model.hasWork()) {
                            stop(r, now);
                        }
                    }
                }
                // After the step ends: a request whose last token came at the deadline made it.
                for (int i = 0; i < active.size(); i++) {
                    Replica r = active.get(i);
                    if (r.phase == ReplicaPhase.DRAINING && r.drainDeadline <= now) {
                        cut(r, now);
                    }
                }
                boolean becameReady = false;
                for (int i = 0; i < active.size(); i++) {
                    Replica r = active.get(i);
                    if (r.phase == ReplicaPhase.STARTING && r.readyAt <= now) {
                        r.phase = ReplicaPhase.READY;
                        r.becameReady = now;
                        becameReady = true;
                    }
                }
                if (becameReady) {
                    rebuildReady();
                    flushPending(now);
                }
                while (next < n && requests.get(next).arrivalSeconds() <= now) {
                    arrivalsSinceControl++;
                    dispatch(next++, now);
                }
                if (nextScrape <= now) {
                    TickView view = new TickView(now);
                    try {
                        controller.observe(view);
                    } finally {
                        view.closed = true;
                    }
                    nextScrape = ++scrapeIndex * config.scrapeIntervalSeconds();
                }
                if (nextControl <= now) {
                    control(now);
                    nextControl = ++controlIndex * config.controlIntervalSeconds();
                }
                for (int i = 0; i < active.size(); i++) {
                    Replica r = active.get(i);
                    if (r.serving() && r.stepEnd == Double.POSITIVE_INFINITY && r.model.hasWork()) {
                        r.stepEnd = now + r.model.schedule(now);
                        steps++;
                    }
                }
                purgeStopped();
            }
            List<ReplicaLifetime> lifetimes = new ArrayList<>(all.size());
            for (Replica r : all) {
                double stopped = Double.isNaN(r.stoppedAt) ? now : r.stoppedAt;
                lifetimes.add(new ReplicaLifetime(r.id, r.requestedAt, r.becameReady, r.drainedFrom, stopped,
                        r.served));
            }
            List<ServedRequest> finished = new ArrayList<>(served.length);
            for (ServedRequest r : served) {
                if (r != null) {
                    finished.add(r);
                }
            }
            return new ClusterRun(finished, lost, series, scaleEvents, lifetimes, now, config.gpusPerReplica(),
                    steps);
        }

        private boolean busy() {
            if (!pending.isEmpty()) {
                return true;
            }
            for (int i = 0; i < active.size(); i++) {
                if (active.get(i).model.hasWork()) {
                    return true;
                }
            }
            return false;
        }

        private Replica addReplica(double now, ReplicaPhase phase) {
            int id = all.size();
            EngineModel model = new EngineModel(config.engine());
            Replica r = new Replica(id, model, now,
                    phase == ReplicaPhase.READY ? now : now + config.coldStartSeconds(), phase);
            model.onFinish(result -> finished(r, result));
            all.add(r);
            active.add(r);
            return r;
        }

        private void finished(Replica r, RequestResult res) {
            int index = (int) res.id();
            SimRequest original = requests.get(index);
            r.served++;
            served[index] = new ServedRequest(original.id(), r.id, original.arrivalSeconds(), res.arrivalSeconds(),
                    res.firstScheduledSeconds(), res.firstTokenSeconds(), res.finishSeconds(), res.promptTokens(),
                    res.outputTokens(), res.preemptions());
        }

        private void dispatch(int index, double now) {
            if (ready.isEmpty()) {
                pending.addLast(index);
                return;
            }
            SimRequest original = requests.get(index);
            // The engine sees the request arrive when the balancer hands it over, as a real engine would.
            pick().model.submit(new SimRequest(index, now, original.promptTokens(), original.outputTokens()));
        }

        private void flushPending(double now) {
            while (!ready.isEmpty() && !pending.isEmpty()) {
                dispatch(pending.pollFirst(), now);
            }
        }

        private Replica pick() {
            switch (config.balancer()) {
                case ROUND_ROBIN -> {
                    return ready.get((int) (roundRobin++ % ready.size()));
                }
                case LEAST_REQUESTS -> {
                    Replica best = ready.get(0);
                    int bestLoad = best.load();
                    for (int i = 1; i < ready.size(); i++) {
                        Replica r = ready.get(i);
                        int load = r.load();
                        if (load < bestLoad) {
                            best = r;
                            bestLoad = load;
                        }
                    }
                    return best;
                }
                case KV_AWARE -> {
                    Replica best = ready.get(0);
                    for (int i = 1; i < ready.size(); i++) {
                        Replica r = ready.get(i);
                        int w = Integer.compare(r.model.waitingCount(), best.model.waitingCount());
                        if (w < 0 || (w == 0 && (r.model.usedBlocks() < best.model.usedBlocks()
                                || (r.model.usedBlocks() == best.model.usedBlocks()
                                && r.model.runningCount() < best.model.runningCount())))) {
                            best = r;
                        }
                    }
                    return best;
                }
                default -> throw new IllegalStateException("unknown balancer " + config.balancer());
            }
        }

        private void control(double now) {
            TickView view = new TickView(now);
            int wanted;
            try {
                wanted = controller.desiredReplicas(view);
            } finally {
                view.closed = true;
            }
            java.util.Map<String, Integer> costs = controller.deletionCosts();
            for (Replica r : active) {
                r.deletionCost = costs.getOrDefault(r.name, 0);
            }
            int desired = Math.max(config.minReplicas(), Math.min(config.maxReplicas(), wanted));
            int starting = 0;
            int readyCount = 0;
            int draining = 0;
            List<ReplicaSample> samples = new ArrayList<>(active.size());
            for (Replica r : active) {
                switch (r.phase) {
                    case STARTING -> starting++;
                    case READY -> readyCount++;
                    case DRAINING -> draining++;
                    default -> { }
                }
                samples.add(new ReplicaSample(r.id, r.phase, r.model.runningCount(), r.model.waitingCount(),
                        r.model.kvCacheUsage(),
                        r.phase == ReplicaPhase.STARTING ? Double.NaN : r.model.gpuUtilization(now)));
            }
            ClusterSample sample = new ClusterSample(now, arrivalsSinceControl / (now - lastControl), desired,
                    readyCount, starting, draining, pending.size(), samples);
            series.add(sample);
            arrivalsSinceControl = 0;
            lastControl = now;
            scaleTo(desired, starting + readyCount, now);
            onTick.accept(sample);
        }

        private void scaleTo(int desired, int current, double now) {
            if (desired == current) {
                return;
            }
            scaleEvents.add(new ScaleEvent(now, current, desired));
            if (desired > current) {
                for (int k = current; k < desired; k++) {
                    addReplica(now, config.coldStartSeconds() == 0 ? ReplicaPhase.READY : ReplicaPhase.STARTING);
                }
                if (config.coldStartSeconds() == 0) {
                    rebuildReady();
                    flushPending(now);
                }
                return;
            }
            int remove = current - desired;
            for (int i = active.size() - 1; i >= 0 && remove > 0; i--) {
                Replica r = active.get(i);
                if (r.phase == ReplicaPhase.STARTING) {
                    stop(r, now);
                    remove--;
                }
            }
            while (remove > 0) {
                Replica victim = null;
                for (Replica r : active) {
                    if (r.phase == ReplicaPhase.READY && (victim == null || goesBefore(r, victim))) {
                        victim = r;
                    }
                }
                victim.phase = ReplicaPhase.DRAINING;
                victim.drainedFrom = now;
                victim.drainDeadline = now + config.terminationGraceSeconds();
                if (!victim.model.hasWork()) {
                    stop(victim, now);
                } else if (victim.drainDeadline <= now) {
                    cut(victim, now);
                }
                remove--;
            }
            rebuildReady();
            purgeStopped();
        }

        /** Among ready replicas: the lower deletion cost, then the more recently ready, then the newer goes first. */
        private static boolean goesBefore(Replica a, Replica b) {
            if (a.deletionCost != b.deletionCost) {
                return a.deletionCost < b.deletionCost;
            }
            if (a.readyAt != b.readyAt) {
                return a.readyAt > b.readyAt;
            }
            return a.id > b.id;
        }

        /** The grace period is over: what the replica still holds fails, and it stops. */
        private void cut(Replica r, double now) {
            for (EngineModel.Aborted a : r.model.abortUnfinished()) {
                SimRequest original = requests.get((int) a.id());
                lost.add(new LostRequest(original.id(), r.id, original.arrivalSeconds(), now, a.generated(),
                        original.outputTokens()));
            }
            r.stepEnd = Double.POSITIVE_INFINITY;
            stop(r, now);
        }

        private void stop(Replica r, double now) {
            r.phase = ReplicaPhase.STOPPED;
            r.stoppedAt = now;
            stoppedSome = true;
        }

        private void purgeStopped() {
            if (stoppedSome) {
                active.removeIf(r -> r.phase == ReplicaPhase.STOPPED);
                stoppedSome = false;
            }
        }

        private void rebuildReady() {
            ready.clear();
            for (Replica r : active) {
                if (r.phase == ReplicaPhase.READY) {
                    ready.add(r);
                }
            }
        }

        /** The cluster at one tick, for the controller; dead once the call returns. */
        private final class TickView implements ClusterView {
            final double now;
            final List<ReplicaView> views;
            boolean closed;

            TickView(double now) {
                this.now = now;
                List<ReplicaView> list = new ArrayList<>(active.size());
                for (Replica r : active) {
                    if (r.phase == ReplicaPhase.STARTING || r.phase == ReplicaPhase.READY) {
                        list.add(new View(r));
                    }
                }
                this.views = List.copyOf(list);
            }

            void check() {
                if (closed) {
                    throw new IllegalStateException("the cluster view of t=" + now
                            + " s was used after the call that received it returned");
                }
            }

            @Override
            public double nowSeconds() {
                check();
                return now;
            }

            @Override
            public int currentReplicas() {
                check();
                return views.size();
            }

            @Override
            public int readyReplicas() {
                check();
                return ready.size();
            }

            @Override
            public double arrivalRate() {
                check();
                return now > lastControl ? arrivalsSinceControl / (now - lastControl) : Double.NaN;
            }

            @Override
            public int pendingRequests() {
                check();
                return pending.size();
            }

            @Override
            public List<ReplicaView> replicas() {
                check();
                return views;
            }

            private final class View implements ReplicaView {
                private final Replica r;
                private final ReplicaPhase phase;
                private String exposition;

                View(Replica r) {
                    this.r = r;
                    this.phase = r.phase;
                }

                @Override
                public int id() {
                    return r.id;
                }

                @Override
                public String name() {
                    return r.name;
                }

                @Override
                public ReplicaPhase phase() {
                    return phase;
                }

                @Override
                public double requestedAtSeconds() {
                    return r.requestedAt;
                }

                @Override
                public double readyAtSeconds() {
                    return r.readyAt;
                }

                @Override
                public Optional<String> exposition() {
                    check();
                    if (phase != ReplicaPhase.READY) {
                        return Optional.empty();
                    }
                    if (exposition == null) {
                        exposition = VllmMetricsRenderer.render(r.model, 0);
                    }
                    return Optional.of(exposition);
                }

                @Override
                public OptionalDouble gpuUtilization() {
                    check();
                    return phase == ReplicaPhase.READY ? OptionalDouble.of(r.model.gpuUtilization(now))
                            : OptionalDouble.empty();
                }

                @Override
                public int runningRequests() {
                    check();
                    return r.model.runningCount();
                }

                @Override
                public int waitingRequests() {
                    check();
                    return r.model.waitingCount();
                }

                @Override
                public double kvCacheUsage() {
                    check();
                    return r.model.kvCacheUsage();
                }
            }
        }
    }
}
