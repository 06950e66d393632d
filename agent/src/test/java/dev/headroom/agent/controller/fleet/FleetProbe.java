package dev.headroom.agent.controller.fleet;

import dev.headroom.autoscaler.kubernetes.DecisionListener;
import dev.headroom.autoscaler.kubernetes.WorkloadDecision;
import dev.headroom.autoscaler.kubernetes.WorkloadKey;
import dev.headroom.autoscaler.policy.ReplicaReport;
import dev.headroom.signals.Signals;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the fleet benchmark reads off the running controller, from the controller's own timestamps as it tells its
 * {@link DecisionListener}s: each tick's start and end, and for every ready pod of every decision, the age of the
 * newest data the decision used (as {@code WorkloadSnapshot} reckons it: when the newest sample was taken is the
 * answer's time minus its age; measured here up to the moment the reports reach the decision). A pod whose data is
 * missing or stale has no age; it is counted apart.
 *
 * <p>Recording starts at {@link #startRecording()} (after the warm-up) and keeps every value, so that the
 * percentiles are exact over the measured window.
 */
final class FleetProbe implements DecisionListener {

    private final Samples tickNanos = new Samples();
    private final Samples ageNanos = new Samples();
    private final AtomicLong missing = new AtomicLong();
    private final AtomicLong decisions = new AtomicLong();
    private final Map<WorkloadKey, WorkloadDecision> latest = new ConcurrentHashMap<>();
    private volatile boolean recording;

    void startRecording() {
        tickNanos.clear();
        ageNanos.clear();
        missing.set(0);
        decisions.set(0);
        recording = true;
    }

    void stopRecording() {
        recording = false;
    }

    @Override
    public void onDecision(WorkloadDecision decision) {
        latest.put(decision.key(), decision);
        if (recording) {
            decisions.incrementAndGet();
        }
    }

    @Override
    public void onReports(WorkloadKey key, Instant at, List<ReplicaReport> reports) {
        if (!recording) {
            return;
        }
        // Not `at`: the controller takes its instant before the poll, and stamps each answer as it arrives,
        // so measured from `at` the age of data fresher than the poll comes out negative. Measured from now,
        // when the reports are handed to the decision (same system clock), it is the age the decision acts on.
        Instant used = Instant.now();
        for (ReplicaReport r : reports) {
            if (!r.ready()) {
                continue;
            }
            Signals s = r.signals().orElse(null);
            if (s == null || s.stale()) {
                missing.incrementAndGet();
            } else {
                ageNanos.add(Duration.between(s.at().minus(s.age()), used).toNanos());
            }
        }
    }

    @Override
    public void onTick(Instant started, Instant ended, int workloads) {
        if (recording) {
            tickNanos.add(Duration.between(started, ended).toNanos());
        }
    }

    /** The latest decision of every workload decided so far. */
    Map<WorkloadKey, WorkloadDecision> latest() {
        return Map.copyOf(latest);
    }

    Samples ticks() {
        return tickNanos;
    }

    Samples ages() {
        return ageNanos;
    }

    /** Ready pods whose data a recorded decision lacked (missing or stale). */
    long missing() {
        return missing.get();
    }

    /** Decisions made while recording. */
    long decisions() {
        return decisions.get();
    }

    /** Every value recorded, kept in full for exact percentiles. */
    static final class Samples {
        private long[] values = new long[1024];
        private int size;

        synchronized void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        synchronized void clear() {
            size = 0;
        }

        synchronized int count() {
            return size;
        }

        /** The {@code q}-quantile (nearest rank) in seconds; NaN when empty. */
        synchronized double quantileSeconds(double q) {
            if (size == 0) {
                return Double.NaN;
            }
            long[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            int rank = (int) Math.ceil(q * size);
            return sorted[Math.max(0, Math.min(size - 1, rank - 1))] / 1e9;
        }
    }
}
