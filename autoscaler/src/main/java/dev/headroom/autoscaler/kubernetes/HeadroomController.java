package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicy;
import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicyStatus;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.loop.DecisionLoop;
import dev.headroom.autoscaler.loop.LoopOutcome;
import dev.headroom.autoscaler.loop.ScaleActuator;
import dev.headroom.autoscaler.loop.ScaleException;
import dev.headroom.autoscaler.policy.DecisionReason;
import dev.headroom.autoscaler.policy.ReplicaReport;
import dev.headroom.autoscaler.policy.ScalingDecision;
import dev.headroom.autoscaler.policy.ScalingPolicy;
import dev.headroom.autoscaler.policy.WorkloadSnapshot;
import dev.headroom.signals.Signal;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The controller role: for every {@code HeadroomPolicy}, once per {@code interval}, discover the target's pods
 * (an informer on the policy's selector), poll their sidecars at once, aggregate, decide with the
 * {@link ScalingPolicy}, act according to the mode, and explain (Event, status, {@link DecisionListener},
 * {@link DecisionBook}).
 *
 * <p>Every controller decides; only the leader acts, records Events and writes status. A decision is made from
 * one instant of the injected clock; nothing here reads the wall clock, so {@link #tick()} can be driven by a
 * test. Per tick, one workload's work is bounded by the poll timeout plus the actuator's retries.
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
    private final DecisionLoop loop;
    private final SidecarPoller poller;
    private final LeadershipCheck leadership;
    private final EventRecorder events;
    private final DecisionListener listener;
    private final Map<WorkloadKey, Workload> workloads = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<WorkloadKey, WorkloadDecision> book = new ConcurrentSkipListMap<>();
    private volatile SharedIndexInformer<HeadroomPolicy> policies;
    private volatile ScheduledFuture<?> schedule;

    /** What is kept per workload between ticks. */
    private static final class Workload {
        LabelSelector selector;
        SharedIndexInformer<Pod> pods;
        String lastEventKey;
        HeadroomPolicyStatus lastStatus;
    }

    public HeadroomController(KubernetesClient client, Settings settings, InstantSource clock, ScalingPolicy policy,
                              ScaleActuator actuator, SidecarPoller poller, LeadershipCheck leadership,
                              EventRecorder events, DecisionListener listener) {
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.actuator = Objects.requireNonNull(actuator, "actuator");
        this.loop = new DecisionLoop(policy, actuator);
        this.poller = Objects.requireNonNull(poller, "poller");
        this.leadership = Objects.requireNonNull(leadership, "leadership");
        this.events = Objects.requireNonNull(events, "events");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Starts the policy informer (no ticks): {@link #tick()} may be called from now on. */
    public synchronized void watch() {
        if (policies == null) {
            var op = client.resources(HeadroomPolicy.class);
            policies = settings.namespace().isPresent() ? op.inNamespace(settings.namespace().get()).inform()
                    : op.inAnyNamespace().inform();
        }
    }

    /** Watches and ticks every {@code interval} on {@code scheduler} until closed. */
    public synchronized void start(ScheduledExecutorService scheduler) {
        watch();
        if (schedule == null) {
            long period = settings.interval().toNanos();
            schedule = scheduler.scheduleAtFixedRate(this::tickSafely, 0, period, TimeUnit.NANOSECONDS);
        }
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "controller tick failed", e);
        }
    }

    /** One round: every known policy decided once, in order; returns the decisions made. */
    public List<WorkloadDecision> tick() {
        SharedIndexInformer<HeadroomPolicy> informer = policies;
        if (informer == null) {
            throw new IllegalStateException("call watch() or start() first");
        }
        List<HeadroomPolicy> current = new ArrayList<>(informer.getStore().list());
        List<WorkloadKey> seen = new ArrayList<>();
        List<WorkloadDecision> made = new ArrayList<>();
        for (HeadroomPolicy p : current) {
            WorkloadKey key = new WorkloadKey(p.getMetadata().getNamespace(), p.getMetadata().getName());
            seen.add(key);
            reconcile(p).ifPresent(made::add);
        }
        for (WorkloadKey gone : new ArrayList<>(workloads.keySet())) {
            if (!seen.contains(gone)) {
                forget(gone);
            }
        }
        return made;
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
            explainFailure(resource, w, ControllerEventReason.INVALID_POLICY, "InvalidPolicy", e.getMessage(),
                    generation);
            return Optional.empty();
        }
        ensurePodWatch(key, w, r.selector());
        int current;
        try {
            current = actuator.currentReplicas(r.target());
        } catch (ScaleException e) {
            explainFailure(resource, w, ControllerEventReason.TARGET_UNAVAILABLE, "TargetUnavailable",
                    "cannot read the scale of " + r.target() + ": " + e.getMessage(), generation);
            return Optional.empty();
        }
        Instant now = clock.instant();
        List<ReplicaReport> reports = reports(w, r, now);
        WorkloadSnapshot snapshot = WorkloadSnapshot.of(now, settings.maxDataAge(), reports);
        boolean leader = leadership.isLeader();
        LoopOutcome outcome = loop.run(key.toString(), r.target(), r.spec(), current, snapshot,
                r.mode() == ScalingMode.DIRECT && leader);
        WorkloadDecision made = new WorkloadDecision(key, r.target(), r.mode(), r.spec(), current,
                outcome.decision(), outcome.acted(), outcome.actionError());
        book.put(key, made);
        listener.onDecision(made);
        if (leader) {
            explain(resource, w, made);
        }
        return Optional.of(made);
    }

    /** The reports of the workload's pods at {@code now}: not ready ones as capacity on its way. */
    private List<ReplicaReport> reports(Workload w, PolicySpecs.Resolved r, Instant now) {
        List<ReplicaReport> reports = new ArrayList<>();
        Map<String, URI> urls = new LinkedHashMap<>();
        for (Pod pod : w.pods.getStore().list()) {
            if (!counts(pod)) {
                continue;
            }
            String name = pod.getMetadata().getName();
            String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
            if (!ready(pod, now) || ip == null || ip.isBlank()) {
                reports.add(ReplicaReport.notReady(name));
                continue;
            }
            urls.put(name, URI.create("http://" + (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":"
                    + port(pod, r.port()) + r.path()));
        }
        poller.pollAll(urls).forEach((pod, poll) -> reports.add(poll.signals()
                .map(s -> ReplicaReport.ready(pod, s))
                .orElseGet(() -> ReplicaReport.readyMissing(pod))));
        return reports;
    }

    /** Pods that are gone or going do not count at all, as in the HPA. */
    private static boolean counts(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            return false;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return !"Failed".equals(phase) && !"Succeeded".equals(phase);
    }

    /** Ready: the Ready condition is True and the pod started at least {@code readinessDelay} ago. */
    private boolean ready(Pod pod, Instant now) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return false;
        }
        boolean readyCondition = false;
        for (PodCondition c : pod.getStatus().getConditions()) {
            if ("Ready".equals(c.getType()) && "True".equals(c.getStatus())) {
                readyCondition = true;
            }
        }
        String started = pod.getStatus().getStartTime();
        if (!readyCondition || started == null) {
            return false;
        }
        try {
            return !Instant.parse(started).plus(settings.readinessDelay()).isAfter(now);
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    private static int port(Pod pod, int fallback) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String raw = annotations == null ? null : annotations.get(PolicySpecs.SIDECAR_PORT_ANNOTATION);
        if (raw != null) {
            try {
                int p = Integer.parseInt(raw.trim());
                if (p >= 1 && p <= 65535) {
                    return p;
                }
            } catch (NumberFormatException ignored) {
                // A bad annotation falls back to the policy's port; the poll then shows what it reached.
            }
        }
        return fallback;
    }

    private void ensurePodWatch(WorkloadKey key, Workload w, LabelSelector selector) {
        if (w.pods != null && Objects.equals(w.selector, selector)) {
            return;
        }
        if (w.pods != null) {
            w.pods.close();
        }
        w.selector = selector;
        w.pods = client.pods().inNamespace(key.namespace()).withLabelSelector(selector).inform();
    }

    private void explain(HeadroomPolicy resource, Workload w, WorkloadDecision made) {
        ScalingDecision d = made.decision();
        ControllerEventReason reason = eventReason(made);
        String eventKey = reason + "/" + d.reason() + "/" + d.desired() + "/" + made.actionError().isPresent();
        if (!eventKey.equals(w.lastEventKey)) {
            String message = made.actionError().map(err -> "could not scale " + made.target() + " to "
                    + d.desired() + ": " + err + " (decision: " + d.message() + ")")
                    .orElseGet(() -> "[" + made.mode().value() + ", " + d.reason() + "] " + d.message());
            if (events.record(resource, reason, message) != null) {
                w.lastEventKey = eventKey;
            }
        }
        HeadroomPolicyStatus status = new HeadroomPolicyStatus();
        status.observedGeneration = resource.getMetadata().getGeneration();
        status.currentReplicas = made.acted() ? d.desired() : made.currentReplicas();
        status.desiredReplicas = d.desired();
        HeadroomPolicyStatus.LastDecision last = new HeadroomPolicyStatus.LastDecision();
        last.time = d.at().toString();
        last.reason = d.reason().name();
        last.dominantSignal = d.dominant().map(Signal::key).orElse(null);
        last.message = d.message();
        last.acted = made.acted();
        status.lastDecision = last;
        boolean ok = made.actionError().isEmpty();
        status.conditions = List.of(condition(w, ok ? "True" : "False", ok ? "Deciding" : "ScaleFailed",
                ok ? "deciding every " + settings.interval().toMillis() + " ms in " + made.mode().value() + " mode"
                        : made.actionError().get(), status.observedGeneration));
        writeStatus(resource, w, status);
    }

    private static ControllerEventReason eventReason(WorkloadDecision made) {
        ScalingDecision d = made.decision();
        if (made.actionError().isPresent()) {
            return ControllerEventReason.SCALE_FAILED;
        }
        if (made.acted()) {
            return d.desired() > d.current() ? ControllerEventReason.SCALED_UP : ControllerEventReason.SCALED_DOWN;
        }
        if (d.changes()) {
            return ControllerEventReason.RECOMMENDED;
        }
        DecisionReason r = d.reason();
        return r == DecisionReason.HELD_MISSING_DATA || r == DecisionReason.HELD_NO_DATA
                || r == DecisionReason.SCALING_DISABLED ? ControllerEventReason.HELD : ControllerEventReason.UNCHANGED;
    }

    private void explainFailure(HeadroomPolicy resource, Workload w, ControllerEventReason reason,
                                String conditionReason, String message, Long generation) {
        if (!leadership.isLeader()) {
            return;
        }
        String eventKey = reason + "/" + generation + "/" + message;
        if (!eventKey.equals(w.lastEventKey) && events.record(resource, reason, message) != null) {
            w.lastEventKey = eventKey;
        }
        HeadroomPolicyStatus status = new HeadroomPolicyStatus();
        status.observedGeneration = generation;
        HeadroomPolicyStatus previous = resource.getStatus();
        if (previous != null) {
            status.currentReplicas = previous.currentReplicas;
            status.desiredReplicas = previous.desiredReplicas;
            status.lastDecision = previous.lastDecision;
        }
        status.conditions = List.of(condition(w, "False", conditionReason, message, generation));
        writeStatus(resource, w, status);
    }

    /** The Ready condition, keeping its transition time while its status stays the same. */
    private Condition condition(Workload w, String status, String reason, String message, Long generation) {
        String since = clock.instant().toString();
        if (w.lastStatus != null) {
            for (Condition c : w.lastStatus.conditions) {
                if (HeadroomPolicyStatus.READY.equals(c.getType()) && status.equals(c.getStatus())) {
                    since = c.getLastTransitionTime();
                }
            }
        }
        return new ConditionBuilder().withType(HeadroomPolicyStatus.READY).withStatus(status).withReason(reason)
                .withMessage(message).withObservedGeneration(generation).withLastTransitionTime(since).build();
    }

    private void writeStatus(HeadroomPolicy resource, Workload w, HeadroomPolicyStatus status) {
        if (w.lastStatus != null && sameExceptTime(w.lastStatus, status)) {
            return;
        }
        try {
            client.resources(HeadroomPolicy.class).inNamespace(resource.getMetadata().getNamespace())
                    .withName(resource.getMetadata().getName()).editStatus(p -> {
                        p.setStatus(status);
                        return p;
                    });
            w.lastStatus = status;
        } catch (KubernetesClientException e) {
            // Written again on the next tick, since lastStatus did not move.
            LOG.log(Level.WARNING, "could not write the status of HeadroomPolicy " + resource.getMetadata().getNamespace()
                    + "/" + resource.getMetadata().getName() + ": " + e.getMessage());
        }
    }

    private static boolean sameExceptTime(HeadroomPolicyStatus a, HeadroomPolicyStatus b) {
        if (!Objects.equals(a.observedGeneration, b.observedGeneration)
                || !Objects.equals(a.currentReplicas, b.currentReplicas)
                || !Objects.equals(a.desiredReplicas, b.desiredReplicas)
                || (a.lastDecision == null) != (b.lastDecision == null)
                || a.conditions.size() != b.conditions.size()) {
            return false;
        }
        if (a.lastDecision != null && (!Objects.equals(a.lastDecision.reason, b.lastDecision.reason)
                || !Objects.equals(a.lastDecision.acted, b.lastDecision.acted)
                || !Objects.equals(a.lastDecision.dominantSignal, b.lastDecision.dominantSignal))) {
            return false;
        }
        for (int i = 0; i < a.conditions.size(); i++) {
            Condition x = a.conditions.get(i);
            Condition y = b.conditions.get(i);
            if (!Objects.equals(x.getStatus(), y.getStatus()) || !Objects.equals(x.getReason(), y.getReason())
                    || !Objects.equals(x.getMessage(), y.getMessage())) {
                return false;
            }
        }
        return true;
    }

    private void forget(WorkloadKey key) {
        Workload w = workloads.remove(key);
        if (w != null && w.pods != null) {
            w.pods.close();
        }
        book.remove(key);
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
            schedule.cancel(false);
            schedule = null;
        }
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
