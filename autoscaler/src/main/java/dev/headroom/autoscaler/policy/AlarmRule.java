package dev.headroom.autoscaler.policy;

import dev.headroom.signals.Signal;

import java.util.List;
import java.util.OptionalDouble;

/**
 * Alarm signals under {@link ScaleDownVoting#LOAD_SIGNALS}: they vote only up, and not with their ratio's
 * count. An alarm signal that does not ask for more replicas abstains ({@link SignalOutcome#QUIET}); one at
 * its target (within the tolerance, ratio ≥ 1 − tolerance) holds. One that asks for more gets, in this order:
 * the {@linkplain #measuredDemand measured demand} when that is more than the current count
 * ({@link SignalOutcome#MEASURED_DEMAND}); the current count while replicas are starting
 * ({@link SignalOutcome#HELD_STARTING}); else one {@linkplain #alarmStep step} ({@link SignalOutcome#STEPPED}).
 *
 * <p>Why not the ratio: a queue or a latency above its target says the replicas are full, not by how much (its
 * ratio grows with the backlog, not with the load: under the HPA's arithmetic a queue of 8 on a 256-request
 * batch doubles the fleet), and it stays high through a cold start whatever was already asked for. How many
 * replicas the load needs is the load signals' part. Under {@link ScaleDownVoting#EVERY_SIGNAL} every signal
 * keeps the HPA's arithmetic and this rule changes nothing.
 *
 * <p>Keeps no state: each input is rewritten from the decision alone.
 */
final class AlarmRule implements PolicyRule<Void> {

    @Override
    public void apply(RuleContext context, Void state, List<SignalInput> inputs) {
        for (int i = 0; i < inputs.size(); i++) {
            inputs.set(i, adjust(context.spec(), inputs.get(i), context.currentReplicas(), context.snapshot()));
        }
    }

    private static SignalInput adjust(PolicySpec spec, SignalInput input, int currentReplicas,
                                      WorkloadSnapshot snapshot) {
        if (!input.voted() || spec.scaleDownVoting().mayVoteDown(input.signal())) {
            return input;
        }
        int proposed = input.proposedReplicas().orElseThrow();
        boolean belowTarget = input.ratio().orElseThrow() < 1.0 - spec.behavior().scaleDown().tolerance();
        if (proposed < currentReplicas || input.outcome() == SignalOutcome.HELD_MISSING_DATA
                || (proposed == currentReplicas && belowTarget)) {
            return input.quiet();
        }
        if (proposed > currentReplicas) {
            if (roomLeft(snapshot, input)) {
                return input.proposing(currentReplicas, SignalOutcome.HELD_WITH_ROOM);
            }
            int demand = measuredDemand(snapshot);
            if (demand > currentReplicas) {
                return input.proposing(demand, SignalOutcome.MEASURED_DEMAND);
            }
            if (snapshot.notReady() > 0) {
                return input.proposing(currentReplicas, SignalOutcome.HELD_STARTING);
            }
            int stepped = currentReplicas + alarmStep(currentReplicas);
            if (proposed > stepped) {
                return input.proposing(stepped, SignalOutcome.STEPPED);
            }
        }
        return input;
    }

    /**
     * While an alarm says the replicas are full, what they finish is what they can serve: the replicas the
     * arriving requests need are {@code ceil(pods × arrivals / finished)}. Zero (nothing measured) unless every
     * ready pod reports both rates fresh and something finished.
     */
    static int measuredDemand(WorkloadSnapshot snapshot) {
        OptionalDouble arrivals = snapshot.completeTotal(Signal.ARRIVALS_PS);
        OptionalDouble finished = snapshot.completeTotal(Signal.REQUESTS_PS);
        if (arrivals.isEmpty() || finished.isEmpty() || !(finished.getAsDouble() > 0)) {
            return 0;
        }
        return ReplicaCalculator.ceilReplicas(
                snapshot.readyFresh() * arrivals.getAsDouble() / finished.getAsDouble());
    }

    /**
     * Whether some ready pod has nothing waiting and, for a latency alarm, some pod reads that latency within its
     * target: the requests that arrive now start at once and are served within the objective, so the alarm is a
     * backlog other pods hold (an engine keeps the requests routed to it) or a latency window still holding the
     * wait of a backlog since drained. A replica added for it would not serve that backlog: it holds. Where the
     * replicas really are too few, every queue fills, or every pod's latency is over, and the alarm acts again;
     * a latency over its target on every pod with nothing queued (long prefills slowing every step) is not room.
     */
    static boolean roomLeft(WorkloadSnapshot snapshot, SignalInput alarm) {
        boolean idleQueue = snapshot.get(Signal.QUEUE).map(q -> q.min() < 0.5).orElse(false);
        return idleQueue && (alarm.signal() == Signal.QUEUE
                || snapshot.get(alarm.signal()).map(a -> a.min() <= alarm.target()).orElse(false));
    }

    /** One alarm step: one replica, or a tenth of the current count (rounded up) when that is more. */
    static int alarmStep(int currentReplicas) {
        return Math.max(1, (int) Math.ceil(currentReplicas * 0.1));
    }
}
