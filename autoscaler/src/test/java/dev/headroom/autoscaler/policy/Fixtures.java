package dev.headroom.autoscaler.policy;

import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;
import dev.headroom.signals.Signals;
import dev.headroom.collectors.engine.EngineIdentity;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builders shared by the policy tests: signals, reports, snapshots and a clock moved by hand. */
final class Fixtures {

    static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    static final Duration MAX_AGE = Duration.ofSeconds(10);
    static final EngineIdentity VLLM = new EngineIdentity("vllm", "0.8.5", "llama");

    private Fixtures() {
    }

    /** A clock the test moves by hand, so that no test waits for time to pass. */
    static final class ManualClock implements InstantSource {
        private Instant now;

        ManualClock(Instant start) {
            this.now = start;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    /**
     * A policy that has watched {@code workload} at {@code current} replicas since before the default scale-down
     * window (300 s): a decision held for missing data at {@code T0 − 301 s} leaves only the initial
     * recommendation, which has aged out by {@code T0}. For tests of one decision that may scale down.
     */
    static HpaCompatiblePolicy watchedSinceBeforeTheWindow(String workload, PolicySpec spec, int current) {
        ManualClock before = new ManualClock(T0.minusSeconds(301));
        HpaCompatiblePolicy policy = new HpaCompatiblePolicy(before);
        policy.decide(workload, spec, current, queues(before.instant(), current, 0));
        before.advance(Duration.ofSeconds(301));
        return policy;
    }

    static Signals fresh(Instant at, Map<Signal, Double> values) {
        return new Signals(at, VLLM, values, false, Duration.ZERO, 5);
    }

    static Signals stale(Instant at) {
        return new Signals(at, VLLM, Map.of(), true, Duration.ofSeconds(30), 5);
    }

    /** Ready fresh pods with one queue value each, {@code missing} ready pods without data, {@code notReady} more. */
    static WorkloadSnapshot queues(Instant at, int missing, int notReady, double... perPod) {
        return snapshot(at, Signal.QUEUE, missing, notReady, perPod);
    }

    static WorkloadSnapshot snapshot(Instant at, Signal signal, int missing, int notReady, double... perPod) {
        List<ReplicaReport> reports = new ArrayList<>();
        for (int i = 0; i < perPod.length; i++) {
            reports.add(ReplicaReport.ready("fresh-" + i, fresh(at, Map.of(signal, perPod[i]))));
        }
        for (int i = 0; i < missing; i++) {
            reports.add(ReplicaReport.readyMissing("missing-" + i));
        }
        for (int i = 0; i < notReady; i++) {
            reports.add(ReplicaReport.notReady("loading-" + i));
        }
        return WorkloadSnapshot.of(at, MAX_AGE, reports);
    }

    /**
     * {@code min}..{@code max} replicas, one target on the queue, the HPA's default behaviour and the HPA's
     * voting ({@link ScaleDownVoting#EVERY_SIGNAL}): Kubernetes' cases use the queue as a plain custom metric,
     * which votes both ways; Headroom's default, where the queue votes only up, is tested on its own.
     */
    static PolicySpec queueSpec(int min, int max, double queueTarget) {
        return PolicySpec.of(min, max).withTargets(SaturationTargets.parse(Map.of("queue", Double.toString(queueTarget))))
                .withScaleDownVoting(ScaleDownVoting.EVERY_SIGNAL);
    }
}
