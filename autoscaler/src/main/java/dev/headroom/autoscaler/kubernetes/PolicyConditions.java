package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.kubernetes.crd.HeadroomPolicyStatus;
import dev.headroom.autoscaler.policy.DecisionReason;
import dev.headroom.autoscaler.policy.ScalingDecision;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The conditions on a {@code HeadroomPolicy}'s status: the HPA's three, with the HPA's reasons where the HPA has one
 * for the same thing, and {@code Ready}, which sums them up for {@code kubectl get}.
 *
 * <ul>
 *   <li>{@code AbleToScale}: whether the target's scale can be read and written ({@code ReadyForNewScale},
 *       {@code SucceededRescale}, {@code ScaleUpStabilized}, {@code ScaleDownStabilized}; False:
 *       {@code FailedGetScale}, {@code FailedUpdateScale}).</li>
 *   <li>{@code ScalingActive}: whether a replica count can be computed ({@code ValidMetricFound}; False:
 *       {@code InvalidPolicy}, {@code InvalidSelector}, {@code FailedGetSignals}, {@code ScalingDisabled},
 *       {@code ReconcileFailed}).</li>
 *   <li>{@code ScalingLimited}: whether the count wanted was cut ({@code TooManyReplicas}, {@code TooFewReplicas},
 *       {@code ScaleUpLimit}, {@code ScaleDownLimit}; False: {@code DesiredWithinRange}).</li>
 *   <li>{@code Ready}: True ({@code Deciding}) when the round decided and any scale it made succeeded; False with the
 *       reason of the condition that failed.</li>
 * </ul>
 *
 * <p>Messages carry no readings that move every round, so that a status is written when something changed, not
 * every round.
 * A condition's {@code lastTransitionTime} moves only when its status does.
 */
final class PolicyConditions {

    static final String ABLE_TO_SCALE = "AbleToScale";
    static final String SCALING_ACTIVE = "ScalingActive";
    static final String SCALING_LIMITED = "ScalingLimited";
    static final String READY = HeadroomPolicyStatus.READY;

    private PolicyConditions() {
    }

    /** One condition as this round found it, before its transition time is stamped. */
    record Found(String type, String status, String reason, String message) {
        Found {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
            if (!List.of("True", "False", "Unknown").contains(status)) {
                throw new IllegalArgumentException("a condition is True, False or Unknown, got " + status);
            }
        }
    }

    /** Why a round made no decision: the condition it turns False, with which reason, and the Event it records. */
    enum Failure {
        /** The policy cannot be used; the message lists every problem. */
        INVALID_POLICY(SCALING_ACTIVE, "InvalidPolicy", ControllerEventReason.INVALID_POLICY),
        /** The target's scale subresource could not be read. */
        FAILED_GET_SCALE(ABLE_TO_SCALE, "FailedGetScale", ControllerEventReason.TARGET_UNAVAILABLE),
        /** Neither the policy nor the target gives a selector for the target's pods. */
        INVALID_SELECTOR(SCALING_ACTIVE, "InvalidSelector", ControllerEventReason.INVALID_SELECTOR),
        /** The round threw (its pod watch, say). */
        RECONCILE_FAILED(SCALING_ACTIVE, "ReconcileFailed", ControllerEventReason.RECONCILE_FAILED);

        final String type;
        final String reason;
        final ControllerEventReason event;

        Failure(String type, String reason, ControllerEventReason event) {
            this.type = type;
            this.reason = reason;
            this.event = event;
        }

        /** The condition reason, e.g. {@code FailedGetScale}. */
        String reason() {
            return reason;
        }

        ControllerEventReason event() {
            return event;
        }
    }

    /** The four conditions of a round that decided. */
    static List<Found> decided(WorkloadDecision made, Duration interval) {
        ScalingDecision d = made.decision();
        Found able = ableToScale(made);
        Found active = switch (d.reason()) {
            case SCALING_DISABLED -> new Found(SCALING_ACTIVE, "False", "ScalingDisabled",
                    "scaling is disabled since the replica count of the target is zero");
            case HELD_NO_DATA -> new Found(SCALING_ACTIVE, "False", "FailedGetSignals",
                    "no targeted signal has a value from any ready pod");
            default -> new Found(SCALING_ACTIVE, "True", "ValidMetricFound", d.dominant()
                    .map(s -> "the replica count was computed from the " + s.key() + " signal")
                    .orElse("the replica count was computed from the pods' signals"));
        };
        Found limited = switch (d.reason()) {
            case AT_MAX -> new Found(SCALING_LIMITED, "True", "TooManyReplicas",
                    "the desired replica count is more than the maximum replica count ("
                            + made.spec().maxReplicas() + ")");
            case AT_MIN -> new Found(SCALING_LIMITED, "True", "TooFewReplicas",
                    "the desired replica count is less than the minimum replica count ("
                            + made.spec().minReplicas() + ")");
            case LIMITED_BY_RATE -> d.stabilised() > d.desired()
                    ? new Found(SCALING_LIMITED, "True", "ScaleUpLimit",
                    "the desired replica count is increasing faster than the maximum scale rate")
                    : new Found(SCALING_LIMITED, "True", "ScaleDownLimit",
                    "the desired replica count is decreasing faster than the maximum scale rate");
            default -> new Found(SCALING_LIMITED, "False", "DesiredWithinRange",
                    "the desired count is within the acceptable range");
        };
        Found ready = made.actionError()
                .map(err -> new Found(READY, "False", able.reason(), able.message()))
                .orElseGet(() -> new Found(READY, "True", "Deciding", "deciding every " + interval.toMillis()
                        + " ms in " + made.mode().value() + " mode"));
        return List.of(able, active, limited, ready);
    }

    private static Found ableToScale(WorkloadDecision made) {
        ScalingDecision d = made.decision();
        if (made.actionError().isPresent()) {
            return new Found(ABLE_TO_SCALE, "False", "FailedUpdateScale", made.actionError().get());
        }
        if (made.acted()) {
            return new Found(ABLE_TO_SCALE, "True", "SucceededRescale",
                    "the controller was able to update the target scale to " + d.desired());
        }
        if (d.reason() == DecisionReason.STABILISED) {
            return d.recommended() < d.stabilised()
                    ? new Found(ABLE_TO_SCALE, "True", "ScaleDownStabilized", "recent recommendations were higher"
                    + " than the current one, applying the highest recent recommendation")
                    : new Found(ABLE_TO_SCALE, "True", "ScaleUpStabilized", "recent recommendations were lower"
                    + " than the current one, applying the lowest recent recommendation");
        }
        return new Found(ABLE_TO_SCALE, "True", "ReadyForNewScale", switch (made.mode()) {
            case DIRECT -> "the target's scale can be read and will be set by this controller";
            case DRY_RUN -> "dry-run: decisions are recorded and explained, the target is never scaled";
            case EXTERNAL_METRICS -> "the desired count is served on external.metrics.k8s.io; an HPA scales";
            case KEDA -> "the desired count is served to KEDA's external scaler; KEDA scales";
        });
    }

    /**
     * The conditions of a round that failed: the failing one False (and {@code Ready} with it); the others as last
     * written, since this round learnt nothing new about them, or Unknown when there is no earlier one.
     */
    static List<Found> failed(Failure failure, String message, List<Condition> previous) {
        List<Found> out = new ArrayList<>();
        for (String type : List.of(ABLE_TO_SCALE, SCALING_ACTIVE, SCALING_LIMITED)) {
            if (type.equals(failure.type)) {
                out.add(new Found(type, "False", failure.reason, message));
            } else {
                out.add(previous.stream().filter(c -> type.equals(c.getType())).findFirst()
                        .map(c -> new Found(type, c.getStatus(), c.getReason(), c.getMessage()))
                        .orElse(new Found(type, "Unknown", failure.reason, "not evaluated: " + message)));
            }
        }
        out.add(new Found(READY, "False", failure.reason, message));
        return out;
    }

    /**
     * {@code found} as conditions: each keeps the {@code lastTransitionTime} of the previous condition of its type
     * while its status is the same, and takes {@code now} when its status changes (or it is new).
     */
    static List<Condition> stamped(List<Found> found, List<Condition> previous, Instant now, Long generation) {
        List<Condition> out = new ArrayList<>(found.size());
        for (Found f : found) {
            String since = previous.stream()
                    .filter(c -> f.type().equals(c.getType()) && f.status().equals(c.getStatus()))
                    .map(Condition::getLastTransitionTime).filter(Objects::nonNull).findFirst()
                    .orElse(now.toString());
            out.add(new ConditionBuilder().withType(f.type()).withStatus(f.status()).withReason(f.reason())
                    .withMessage(f.message()).withObservedGeneration(generation).withLastTransitionTime(since)
                    .build());
        }
        return out;
    }
}
