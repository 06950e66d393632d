package dev.headroom.autoscaler.policy;

import dev.headroom.signals.Signal;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One decision and everything that produced it: immutable, so it can be logged, served on
 * {@code /v1/decisions}, turned into an Event and counted by reason.
 *
 * @param workload     which workload
 * @param at           when it was decided
 * @param current      the replicas the target had
 * @param recommended  the maximum over the signals' proposals (the current count when held), before
 *                     stabilisation and rate limits: what an HPA carrying the same behaviour should be fed
 * @param stabilised   after the stabilisation windows
 * @param desired      the replica count to set: after rate limits and min/max
 * @param reason       why
 * @param dominant     the signal whose proposal set {@code recommended}; empty when no signal voted
 * @param signals      every targeted signal's inputs, in {@link Signal} order
 * @param readyFresh   ready pods with fresh data
 * @param readyMissing ready pods with missing or stale data
 * @param notReady     pods not ready yet
 * @param message      one line for people
 */
public record ScalingDecision(String workload, Instant at, int current, int recommended, int stabilised, int desired,
                              DecisionReason reason, Optional<Signal> dominant, List<SignalInput> signals,
                              int readyFresh, int readyMissing, int notReady, String message) {

    public ScalingDecision {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(dominant, "dominant");
        Objects.requireNonNull(message, "message");
        signals = List.copyOf(signals);
        if (current < 0 || recommended < 0 || stabilised < 0 || desired < 0) {
            throw new IllegalArgumentException("replica counts cannot be negative: current " + current + ", recommended "
                    + recommended + ", stabilised " + stabilised + ", desired " + desired);
        }
        if (readyFresh < 0 || readyMissing < 0 || notReady < 0) {
            throw new IllegalArgumentException("pod counts cannot be negative");
        }
        if (message.isBlank() || message.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("the message is one non-empty line, got '" + message + "'");
        }
    }

    /** Whether the decision changes the replica count. */
    public boolean changes() {
        return desired != current;
    }

    /** The inputs of one signal, empty when it has no target. */
    public Optional<SignalInput> input(Signal signal) {
        return signals.stream().filter(s -> s.signal() == signal).findFirst();
    }
}
