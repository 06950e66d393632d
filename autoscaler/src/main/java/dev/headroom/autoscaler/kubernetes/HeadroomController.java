package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicy;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.loop.DecisionLoop;
import dev.headroom.autoscaler.loop.LoopOutcome;
import dev.headroom.autoscaler.loop.ScaleActuator;
import dev.headroom.autoscaler.loop.ScaleException;
import dev.headroom.autoscaler.loop.ScaleInMarks;
import dev.headroom.autoscaler.loop.ScaleInRanking;
import dev.headroom.autoscaler.loop.VictimMarker;
import dev.headroom.autoscaler.policy.ReplicaReport;
import dev.headroom.autoscaler.policy.ScalingPolicy;
import dev.headroom.autoscaler.policy.WorkloadSnapshot;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import dev.headroom.signals.monitor.FixedRateTicker;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The controller role: for every {@code HeadroomPolicy}, once per {@code interval}, discover the target's pods
 * (an informer on the policy's selector, or on the target's own, read from its scale subresource), poll their
 * sidecars at once, aggregate, decide with the {@link ScalingPolicy}, act according to the mode, and explain
 * (Event, status, {@link DecisionListener}, {@link DecisionBook}).
 *
 * <p>This class orchestrates: the informers, the tick, what is kept per workload, and the order of the steps.
 * The steps are its parts: {@link PodReports} turns the pods into reports (which count, which are ready, where
 * their sidecars are, the poll); {@link DecisionLoop}, shared with the evaluation and the demo, decides, scales
 * through the {@link ScaleActuator} and records the scale; {@link DecisionExplainer} writes Events and status.
 * Whether a round acts is decided here: {@code direct} mode, as the leader.
 *
 * <p>Every controller decides; only the leader acts, records Events and writes status. A decision is made from
 * one instant of the injected clock; nothing here reads the wall clock, so {@link #tick()} can be driven by a
 * test. Per tick, one workload's work is bounded by the poll timeout plus the actuator's retries; up to
 * {@code parallelism} workloads are decided at once ({@link ParallelRounds}), each under its own lock.
 *
 * <p>Events are recorded when the outcome changes (Event reason, decision reason or desired count), not every
 * second; the status is written when anything but the decision's time changed, so the API server sees about
 * as many writes as the HPA makes.
 */
public final class HeadroomController implements DecisionBook, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(HeadroomController.class.getName());

    /**
     * @param namespace      the namespace to watch; empty for all
     * @param interval       how often each workload is decided (1 s)
     * @param maxDataAge     the oldest sidecar data that still counts as fresh
     * @param readinessDelay a Ready pod that started less than this ago is not ready yet (the HPA's 30 s)
     */
    public record Settings(Optional<String> namespace, Duration interval, Duration maxDataAge,
                           Duration readinessDelay) {
        public Settings {
            Objects.requireNonNull(namespace, "namespace");
            for (Duration d : List.of(interval, maxDataAge)) {
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("controller durations must be positive, got " + d);
                }
            }
            if (readinessDelay.isNegative()) {
                throw new IllegalArgumentException("readiness delay cannot be negative, got " + readinessDelay);
            }
        }

        /**
         * No progress of the tick for this long and the loop has stalled ({@link LoopHeartbeat}): ten intervals,
         * at least 30 s, which leaves room for one workload's poll timeout and the actuator's retries.
         */
        public Duration stallAfter() {
            Duration ten = interval.multipliedBy(10);
            return ten.compareTo(MIN_STALL) > 0 ? ten : MIN_STALL;
        }

        private static final Duration MIN_STALL = Duration.ofSeconds(30);

        /** Every namespace, 1 s, data fresh for 5 s, 30 s readiness delay. */
        public static Settings defaults() {
            return new Settings(Optional.empty(), Duration.ofSeconds(1), Duration.ofSeconds(5),
                    Duration.ofSeconds(30));
        }
    }

    private final KubernetesClient client;
    private final Settings settings;
    private final InstantSource clock;
    private final ScaleActuator actuator;
    private final TargetSelectors targetSelectors;
    private final DecisionLoop loop;
    private final PodReports pods;
    private final PodDeletionCosts deletionCosts;
    private final LeadershipCheck leadership;
    private final WorkloadOwnership ownership;
    private final DecisionExplainer explainer;
    private final DecisionListener listener;
    private final LoopHeartbeat heartbeat;
    private final EngineScrapes engines;
    private final ParallelRounds rounds;
    private final Map<WorkloadKey, Workload> workloads = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<WorkloadKey, WorkloadDecision> book = new ConcurrentSkipListMap<>();
    private volatile SharedIndexInformer<HeadroomPolicy> policies;
    private volatile FixedRateTicker schedule;

    /** What is kept per workload between ticks; read and written under its own lock. */
    private static final class Workload {
        /** The selector {@link #pods} watches by, serialized. */
        String selector;
        SharedIndexInformer<Pod> pods;
        final DecisionExplainer.Memory explained = new DecisionExplainer.Memory();
        /** Rounds of this workload that ended in an unexpected {@link Throwable}. */
        final AtomicLong failures = new AtomicLong();
    }

    /** Workloads decided at once in a tick, by default. */
    public static final int DEFAULT_PARALLELISM = 8;

    /**
     * A controller deciding one workload at a time, in order, and scraping engines ({@code source: engine}) with
     * {@link EngineScrapes#defaults} and the poller's timeout of 500 ms.
     */
    public HeadroomController(KubernetesClient client, Settings settings, InstantSource clock, ScalingPolicy policy,
                              ScaleActuator actuator, SidecarPoller poller, LeadershipCheck leadership,
                              EventRecorder events, DecisionListener listener) {
        this(client, settings, clock, policy, actuator, poller,
                EngineScrapes.defaults(settings.interval(), java.time.Duration.ofMillis(500), clock), 1, leadership,
                WorkloadOwnership.ALL, events, listener);
    }

    /**
     * @param engines     scrapes the engines of policies with {@code source: engine}; closed with the controller
     * @param parallelism workloads decided at once in a tick (1: one after another, on the ticking thread)
     * @param ownership   the workloads this controller decides (one shard's controller of several,
     *                    {@link ShardedLeases}); {@code leadership} still says whether it may act on them
     */
    public HeadroomController(KubernetesClient client, Settings settings, InstantSource clock, ScalingPolicy policy,
                              ScaleActuator actuator, SidecarPoller poller, EngineScrapes engines, int parallelism,
                              LeadershipCheck leadership, WorkloadOwnership ownership, EventRecorder events,
                              DecisionListener listener) {
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.actuator = Objects.requireNonNull(actuator, "actuator");
        this.targetSelectors = new ScaleSubresourceSelectors(client);
        this.loop = new DecisionLoop(policy, actuator);
        this.engines = Objects.requireNonNull(engines, "engines");
        this.pods = new PodReports(Objects.requireNonNull(poller, "poller"), engines, settings.readinessDelay());
        this.rounds = new ParallelRounds(parallelism);
        this.deletionCosts = new PodDeletionCosts(client, clock);
        this.leadership = Objects.requireNonNull(leadership, "leadership");
        this.ownership = Objects.requireNonNull(ownership, "ownership");
        this.explainer = new DecisionExplainer(client, clock, Objects.requireNonNull(events, "events"),
                settings.interval());
        this.listener = Objects.requireNonNull(listener, "listener");
        this.heartbeat = new LoopHeartbeat(clock, settings.stallAfter());
    }

    /** Beaten as the tick makes progress; {@link LeaderElection} ties the Lease's renewal to it. */
    public LoopHeartbeat heartbeat() {
        return heartbeat;
    }

    /** Starts the policy informer (no ticks): {@link #tick()} may be called from now on. */
    public synchronized void watch() {
        if (policies == null) {
            var op = client.resources(HeadroomPolicy.class);
            policies = settings.namespace().isPresent() ? op.inNamespace(settings.namespace().get()).inform()
                    : op.inAnyNamespace().inform();
        }
    }

    /**
     * Watches and ticks every {@code interval} on {@code scheduler} until closed; a tick slower than the interval is
     * followed by one at once, and the ticks it missed are dropped rather than run back to back.
     */
    public synchronized void start(ScheduledExecutorService scheduler) {
        watch();
        if (schedule == null) {
            schedule = FixedRateTicker.start(scheduler, settings.interval(), this::tickSafely);
        }
    }

    /**
     * The scheduled round. A {@link Throwable} that leaves a task of a {@link ScheduledExecutorService} cancels its
     * schedule for good, silently, so nothing may: one policy's failure is caught in {@link #tick()}, and anything
     * else here (the informer's store, say) is logged, and the next round comes as scheduled.
     */
    private void tickSafely() {
        try {
            tick();
        } catch (Throwable e) {
            try {
                LOG.log(Level.SEVERE, "controller tick failed; the next one runs as scheduled", e);
                listener.onTickFailure(e);
            } catch (Throwable ignored) {
                // nothing more can be said
            }
        }
    }

    /** One round: every known policy this controller owns decided once, in order; returns the decisions made. */
    public List<WorkloadDecision> tick() {
        SharedIndexInformer<HeadroomPolicy> informer = policies;
        if (informer == null) {
            throw new IllegalStateException("call watch() or start() first");
        }
        Instant started = clock.instant();
        List<HeadroomPolicy> all = informer.getStore().list();
        List<HeadroomPolicy> current = new ArrayList<>(ownership.mine(all));
        List<WorkloadKey> keys = new ArrayList<>(current.size());
        for (HeadroomPolicy p : current) {
            keys.add(new WorkloadKey(p.getMetadata().getNamespace(), p.getMetadata().getName()));
        }
        Set<WorkloadKey> seen = new HashSet<>(keys);
        WorkloadDecision[] decided = new WorkloadDecision[current.size()];
        rounds.run(current.size(), i -> {
            HeadroomPolicy p = current.get(i);
            try {
                decided[i] = reconcile(p).orElse(null);
            } catch (Throwable e) {
                // One policy's failure never skips another: say what it was, count it, show it, go on.
                failed(p, keys.get(i), e);
            }
            heartbeat.beat();
        });
        List<WorkloadDecision> made = new ArrayList<>(decided.length);
        for (WorkloadDecision d : decided) {
            if (d != null) {
                made.add(d);
            }
        }
        for (WorkloadKey gone : new ArrayList<>(workloads.keySet())) {
            if (!seen.contains(gone)) {
                try {
                    forget(gone, all.stream().noneMatch(p -> WorkloadKey.of(p).equals(gone)));
                } catch (Throwable e) {
                    LOG.log(Level.WARNING, "could not forget HeadroomPolicy " + gone, e);
                }
            }
        }
        heartbeat.beat();
        listener.onTick(started, clock.instant(), decided.length);
        return made;
    }

    /**
     * A round of one workload threw (its pod watch, the poll, the policy, the explanation): logged with the policy
     * and the throwable, counted ({@link #failures}, {@link DecisionListener#onFailure}), its stale decision dropped
     * from the book (nothing serves a number this round did not make), and {@code ScalingActive=False} and
     * {@code Ready=False}, reason {@code ReconcileFailed}, with the throwable's class and message on its status, as
     * the leader.
     */
    private void failed(HeadroomPolicy p, WorkloadKey key, Throwable e) {
        Workload w = workloads.computeIfAbsent(key, k -> new Workload());
        long n = w.failures.incrementAndGet();
        String what = e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        try {
            LOG.log(Level.SEVERE, "HeadroomPolicy " + key + ": this round failed (" + n + " so far): " + what
                    + "; the other policies go on, this one is tried again next tick", e);
            book.remove(key);
            listener.onFailure(key, e);
            synchronized (w) {
                explainFailure(p, w, PolicyConditions.Failure.RECONCILE_FAILED,
                        "the controller failed on this policy: " + what + " (tried again every tick)",
                        p.getMetadata().getGeneration());
            }
        } catch (Throwable again) {
            // The API server may be what failed: the count above stands, the next round says it again.
            e.addSuppressed(again);
        }
    }

    /** How many rounds of the workload ended in an unexpected {@link Throwable} since it was first seen. */
    public long failures(String namespace, String name) {
        Workload w = workloads.get(new WorkloadKey(namespace, name));
        return w == null ? 0 : w.failures.get();
    }

    /** One workload, once: decide, act, explain. Empty when the policy is invalid or its target unreadable. */
    public Optional<WorkloadDecision> reconcile(HeadroomPolicy resource) {
        WorkloadKey key = new WorkloadKey(resource.getMetadata().getNamespace(), resource.getMetadata().getName());
        Workload w = workloads.computeIfAbsent(key, k -> new Workload());
        synchronized (w) {
            return reconcile(resource, key, w);
        }
    }

    private Optional<WorkloadDecision> reconcile(HeadroomPolicy resource, WorkloadKey key, Workload w) {
        Long generation = resource.getMetadata().getGeneration();
        PolicySpecs.Resolved r;
        try {
            r = PolicySpecs.resolve(resource);
        } catch (InvalidPolicyException e) {
            book.remove(key);
            explainFailure(resource, w, PolicyConditions.Failure.INVALID_POLICY, e.getMessage(), generation);
            return Optional.empty();
        }
        int current;
        Optional<String> selector;
        try {
            current = actuator.currentReplicas(r.target());
            selector = podSelector(r);
        } catch (ScaleException e) {
            explainFailure(resource, w, PolicyConditions.Failure.FAILED_GET_SCALE,
                    "cannot read the scale of " + r.target() + ": " + e.getMessage(), generation);
            return Optional.empty();
        }
        if (selector.isEmpty()) {
            // Never "every pod in the namespace": no watch, no decision, and the policy says what to set.
            book.remove(key);
            stopPodWatch(w);
            explainFailure(resource, w, PolicyConditions.Failure.INVALID_SELECTOR, r.target()
                    + " has no label selector (neither its scale subresource's status.selector nor its"
                    + " spec.selector), so its pods cannot be found: set spec.selector on the policy", generation);
            return Optional.empty();
        }
        ensurePodWatch(key, w, selector.get());
        Instant now = clock.instant();
        List<Pod> podList = w.pods.getStore().list();
        List<ReplicaReport> reports = pods.read(r, podList, now);
        listener.onReports(key, now, reports);
        WorkloadSnapshot snapshot = WorkloadSnapshot.of(now, settings.maxDataAge(), reports);
        boolean leader = leadership.isLeader();
        ScaleInRanking ranking = ScaleInRanking.of(snapshot, reports);
        VictimMarker marker = (target, from, to) -> deletionCosts.mark(target, podList, ranking, from, to);
        LoopOutcome outcome = loop.run(key.toString(), r.target(), r.spec(), current, snapshot,
                r.mode() == ScalingMode.DIRECT && leader, marker);
        Optional<ScaleInMarks> marks = leader ? outcome.scaleIn().or(() -> markOrClear(r, key, podList, ranking,
                outcome)) : Optional.empty();
        WorkloadDecision made = new WorkloadDecision(key, r.target(), r.mode(), r.spec(), current,
                outcome.decision(), outcome.acted(), outcome.actionError(), marks);
        book.put(key, made);
        listener.onDecision(made);
        if (leader) {
            explainer.explain(resource, w.explained, made);
        }
        return Optional.of(made);
    }

    /**
     * The pod-deletion-cost around a scale-in that this round did not make (the loop marks those it makes). In the
     * {@code external-metrics} and {@code keda} modes an HPA scales, at a moment of its own choosing: while the
     * count served is below the current one, the ranking is kept on the pods (a pod is patched only when its rank
     * changed). Once no scale-in is wanted and the pods that count are no more than the replicas (the last
     * scale-in has settled), the marks are removed, so that no stale cost steers a later scale-in by anyone else.
     */
    private Optional<ScaleInMarks> markOrClear(PolicySpecs.Resolved r, WorkloadKey key, List<Pod> podList,
                                               ScaleInRanking ranking, LoopOutcome outcome) {
        int desired = outcome.decision().desired();
        boolean servedToAnHpa = r.mode() == ScalingMode.EXTERNAL_METRICS || r.mode() == ScalingMode.KEDA;
        if (servedToAnHpa && desired < outcome.to()) {
            return Optional.of(deletionCosts.mark(r.target(), podList, ranking, outcome.to(), desired));
        }
        if (desired >= outcome.to() && PodDeletionCosts.anyMarked(podList)
                && podList.stream().filter(PodReports::counts).count() <= outcome.to()) {
            deletionCosts.clear(key.namespace(), podList);
        }
        return Optional.empty();
    }

    /**
     * The selector of the workload's pods: the policy's {@code spec.selector} when it gives one, else the target's
     * own, as the HPA reads it (its scale subresource's {@code status.selector}), so that the policy need not repeat
     * the Deployment's. Read every round, as the HPA does, so a changed Deployment selector is followed.
     */
    private Optional<String> podSelector(PolicySpecs.Resolved r) throws ScaleException {
        if (r.selector().isPresent()) {
            return Optional.of(LabelSelectors.serialize(r.selector().get()));
        }
        return targetSelectors.selectorOf(r.target());
    }

    private static void stopPodWatch(Workload w) {
        if (w.pods != null) {
            w.pods.close();
            w.pods = null;
            w.selector = null;
        }
    }

    /** Watches the workload's pods by {@code selector}, serialized; a changed selector starts a new watch. */
    private void ensurePodWatch(WorkloadKey key, Workload w, String selector) {
        if (w.pods != null && Objects.equals(w.selector, selector)) {
            return;
        }
        if (w.pods != null) {
            w.pods.close();
        }
        w.selector = selector;
        w.pods = client.pods().inNamespace(key.namespace()).withLabelSelector(selector).inform();
    }

    /** Only the leader explains a failure, as it explains decisions. */
    private void explainFailure(HeadroomPolicy resource, Workload w, PolicyConditions.Failure failure,
                                String message, Long generation) {
        if (leadership.isLeader()) {
            explainer.explainFailure(resource, w.explained, failure, message, generation);
        }
    }

    /**
     * Drops what is kept of a workload: its policy is {@code gone}, or another controller owns it now (then the pods'
     * deletion costs stay, they are its new owner's to keep or clear).
     */
    private void forget(WorkloadKey key, boolean gone) {
        Workload w = workloads.remove(key);
        if (w != null && w.pods != null) {
            if (gone && leadership.isLeader()) {
                // The policy is gone: so are the costs it set, lest they steer a later scale-in.
                deletionCosts.clear(key.namespace(), w.pods.getStore().list());
            }
            w.pods.close();
        }
        book.remove(key);
        engines.forget(key);
        loop.forget(key.toString());
        listener.onForget(key);
    }

    /** How many pods the workload's informer holds now (for readiness checks and diagnostics). */
    public int watchedPods(String namespace, String name) {
        Workload w = workloads.get(new WorkloadKey(namespace, name));
        return w == null || w.pods == null ? 0 : w.pods.getStore().list().size();
    }

    /** How many policies the informer holds now. */
    public int watchedPolicies() {
        SharedIndexInformer<HeadroomPolicy> informer = policies;
        return informer == null ? 0 : informer.getStore().list().size();
    }

    @Override
    public Optional<WorkloadDecision> latest(String namespace, String name) {
        return Optional.ofNullable(book.get(new WorkloadKey(namespace, name)));
    }

    @Override
    public Collection<WorkloadDecision> all() {
        return List.copyOf(book.values());
    }

    @Override
    public synchronized void close() {
        if (schedule != null) {
            schedule.close();
            schedule = null;
        }
        rounds.close();
        engines.close();
        if (policies != null) {
            policies.close();
            policies = null;
        }
        for (WorkloadKey key : new ArrayList<>(workloads.keySet())) {
            Workload w = workloads.remove(key);
            if (w != null && w.pods != null) {
                w.pods.close();
            }
        }
    }
}
