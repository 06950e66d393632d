package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicy;
import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicyStatus;
import dev.headroom.autoscaler.policy.LearnedCapacity;
import dev.headroom.autoscaler.policy.SignalInput;
import dev.headroom.autoscaler.policy.DecisionReason;
import dev.headroom.autoscaler.policy.ScalingDecision;
import dev.headroom.autoscaler.policy.UpperCamelCase;
import dev.headroom.signals.Signal;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Says on a {@code HeadroomPolicy} what the controller decided: a {@code v1} Event when the outcome changes, and
 * the status ({@code observedGeneration}, counts, last decision, the HPA's conditions and {@code Ready},
 * {@link PolicyConditions}) when anything but the decision's time changes. The controller calls it as the leader
 * only.
 *
 * <p>Both are rate-limited by comparison, not by time, so the API server sees about as many writes as the HPA
 * makes: an Event's de-duplication key is its reason, the decision's reason, the desired count and whether acting
 * failed (a failure's key is its reason, the generation and the message); a status is compared with the last one
 * written, its decision time left out. Each condition keeps its transition time while its status stays the same.
 * What was last recorded and written is kept per workload in a {@link Memory} that the controller holds, so a
 * workload's explanations run under that workload's lock and nothing here is shared.
 */
final class DecisionExplainer {

    private static final Logger LOG = Logger.getLogger(DecisionExplainer.class.getName());

    /** What was last said about one workload; owned by the controller's per-workload state. */
    static final class Memory {
        private String lastEventKey;
        private HeadroomPolicyStatus lastStatus;
    }

    private final KubernetesClient client;
    private final InstantSource clock;
    private final EventRecorder events;
    private final Duration interval;

    /**
     * @param clock    stamps a condition's transition
     * @param interval how often the controller decides, for the Ready condition's message
     */
    DecisionExplainer(KubernetesClient client, InstantSource clock, EventRecorder events,
                      Duration interval) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.events = Objects.requireNonNull(events, "events");
        this.interval = Objects.requireNonNull(interval, "interval");
    }

    /** A decision was made: an Event if the outcome changed, the status if it changed. */
    void explain(HeadroomPolicy resource, Memory memory, WorkloadDecision made) {
        ScalingDecision d = made.decision();
        ControllerEventReason reason = eventReason(made);
        // A scale made is told once per scale, also when the same count is written again later.
        String eventKey = reason + "/" + d.reason() + "/" + d.desired() + "/" + made.actionError().isPresent()
                + (made.acted() ? "/from " + made.currentReplicas() : "");
        if (!eventKey.equals(memory.lastEventKey)) {
            String message = made.actionError().map(err -> "could not scale " + made.target() + " to "
                    + d.desired() + ": " + err + " (decision: " + d.message() + ")")
                    .orElseGet(() -> "[" + made.mode().value() + ", " + d.reason().value() + "] " + d.message());
            if (made.scaleIn().isPresent()) {
                // The pods named first: a message over the Event's limit is cut at its end.
                message = "Scale-in " + made.scaleIn().get().describe() + ". " + message;
            }
            if (events.record(resource, reason, message) != null) {
                memory.lastEventKey = eventKey;
            }
        }
        HeadroomPolicyStatus status = new HeadroomPolicyStatus();
        status.observedGeneration = resource.getMetadata().getGeneration();
        status.currentReplicas = made.acted() ? d.desired() : made.currentReplicas();
        status.desiredReplicas = d.desired();
        HeadroomPolicyStatus.LastDecision last = new HeadroomPolicyStatus.LastDecision();
        last.time = d.at().toString();
        last.reason = d.reason().value();
        last.dominantSignal = d.dominant().map(Signal::key).orElse(null);
        last.message = d.message();
        last.acted = made.acted();
        status.lastDecision = last;
        status.learnedCapacity = learnedCapacity(d);
        status.conditions = PolicyConditions.stamped(PolicyConditions.decided(made, interval),
                previousConditions(resource, memory), clock.instant(), status.observedGeneration);
        writeStatus(resource, memory, status);
    }

    /**
     * No decision could be made (an invalid policy, an unreadable target): an Event once per distinct message,
     * and the failing condition False with {@code Ready}, keeping the last decision's counts.
     */
    void explainFailure(HeadroomPolicy resource, Memory memory, PolicyConditions.Failure failure, String message,
                        Long generation) {
        ControllerEventReason reason = failure.event();
        String eventKey = reason + "/" + generation + "/" + message;
        if (!eventKey.equals(memory.lastEventKey) && events.record(resource, reason, message) != null) {
            memory.lastEventKey = eventKey;
        }
        HeadroomPolicyStatus status = new HeadroomPolicyStatus();
        status.observedGeneration = generation;
        HeadroomPolicyStatus previous = resource.getStatus();
        if (previous != null) {
            status.currentReplicas = previous.currentReplicas;
            status.desiredReplicas = previous.desiredReplicas;
            status.lastDecision = previous.lastDecision;
            status.learnedCapacity = previous.learnedCapacity;
        }
        List<Condition> before = previousConditions(resource, memory);
        status.conditions = PolicyConditions.stamped(PolicyConditions.failed(failure, message, before), before,
                clock.instant(), generation);
        writeStatus(resource, memory, status);
    }

    /** The Event reason of a decision: what was done, else what was decided, else why nothing was. */
    static ControllerEventReason eventReason(WorkloadDecision made) {
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

    /**
     * The conditions last written: this controller's own, else (after a restart, or a new leader) those on the
     * resource, so that a transition time survives a change of hands.
     */
    private static List<Condition> previousConditions(HeadroomPolicy resource, Memory memory) {
        HeadroomPolicyStatus last = memory.lastStatus != null ? memory.lastStatus : resource.getStatus();
        return last == null || last.conditions == null ? List.of() : last.conditions;
    }

    private void writeStatus(HeadroomPolicy resource, Memory memory, HeadroomPolicyStatus status) {
        if (memory.lastStatus != null && sameExceptTime(memory.lastStatus, status)) {
            return;
        }
        try {
            client.resources(HeadroomPolicy.class).inNamespace(resource.getMetadata().getNamespace())
                    .withName(resource.getMetadata().getName()).editStatus(p -> {
                        p.setStatus(status);
                        return p;
                    });
            memory.lastStatus = status;
        } catch (KubernetesClientException e) {
            // Written again on the next tick, since lastStatus did not move.
            LOG.log(Level.WARNING, "could not write the status of HeadroomPolicy " + resource.getMetadata().getNamespace()
                    + "/" + resource.getMetadata().getName() + ": " + e.getMessage());
        }
    }

    /** The learned SLO capacity the decision's inputs carry, for the status; null without one. */
    static HeadroomPolicyStatus.LearnedCapacity learnedCapacity(ScalingDecision d) {
        for (SignalInput input : d.signals()) {
            if (input.learned().isPresent()) {
                LearnedCapacity c = input.learned().get();
                HeadroomPolicyStatus.LearnedCapacity s = new HeadroomPolicyStatus.LearnedCapacity();
                s.requestsPerSecondPerReplica = round(c.perReplica());
                s.target = round(input.target());
                s.binding = UpperCamelCase.of(c.binding());
                s.confidence = UpperCamelCase.of(c.confidence());
                s.samples = c.samples();
                s.loadSeen = round(c.loadSeen());
                s.promptTokens = (double) Math.round(c.promptTokens());
                s.outputTokens = (double) Math.round(c.outputTokens());
                return s;
            }
        }
        return null;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /**
     * Whether two learned capacities differ enough to write the status again: the binding term, the confidence,
     * or the capacity by more than 5 % (it moves a little with every sample; each move is not worth a write).
     */
    private static boolean sameCapacity(HeadroomPolicyStatus.LearnedCapacity a, HeadroomPolicyStatus.LearnedCapacity b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Objects.equals(a.binding, b.binding) && Objects.equals(a.confidence, b.confidence)
                && Math.abs(a.requestsPerSecondPerReplica - b.requestsPerSecondPerReplica)
                <= 0.05 * Math.max(a.requestsPerSecondPerReplica, b.requestsPerSecondPerReplica);
    }

    static boolean sameExceptTime(HeadroomPolicyStatus a, HeadroomPolicyStatus b) {
        if (!Objects.equals(a.observedGeneration, b.observedGeneration)
                || !Objects.equals(a.currentReplicas, b.currentReplicas)
                || !Objects.equals(a.desiredReplicas, b.desiredReplicas)
                || (a.lastDecision == null) != (b.lastDecision == null)
                || !sameCapacity(a.learnedCapacity, b.learnedCapacity)
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
}
