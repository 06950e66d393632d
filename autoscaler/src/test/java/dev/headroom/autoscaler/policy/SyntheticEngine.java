package dev.headroom.autoscaler.policy;

import dev.headroom.signals.Signal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A replica in closed form, for the learned-capacity tests: a step takes {@code a + b·running + c·prefill}
 * seconds (prefill = prompt tokens admitted per step), a request spends {@code t0 + O·step} in the engine
 * (Little's law gives the batch), the batch stops at {@code maxBatch}, and past it requests wait and TTFT
 * grows. Its SLO capacity is known exactly, so a test can say how close the learned one came.
 */
record SyntheticEngine(double a, double b, double c, double t0, int maxBatch, double promptTokens,
                       double outputTokens) {

    /** Step time at {@code lambda} requests/s per replica, below the batch limit. */
    double step(double lambda) {
        double d = 1 - b * lambda * outputTokens - c * lambda * promptTokens;
        return d <= 0 ? Double.POSITIVE_INFINITY : (a + b * lambda * t0) / d;
    }

    double running(double lambda) {
        return lambda * (t0 + outputTokens * step(lambda));
    }

    /** The rate at which the batch is full. */
    double batchLimit() {
        double lo = 0;
        double hi = 1000;
        for (int i = 0; i < 60; i++) {
            double mid = (lo + hi) / 2;
            if (running(mid) < maxBatch) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The rate at which the mean ITL is {@code itlSlo}. */
    double itlLimit(double itlSlo) {
        return (itlSlo - a) / (b * (t0 + outputTokens * itlSlo) + c * promptTokens * itlSlo);
    }

    /** The highest rate within {@code itlSlo} (TTFT stays low until the batch is full). */
    double capacity(double itlSlo) {
        return Math.min(itlLimit(itlSlo), batchLimit());
    }

    /** {@code pods} ready replicas, each offered {@code lambda} requests/s, read at {@code at}. */
    WorkloadSnapshot snapshot(Instant at, int pods, double lambda) {
        return pods(at, pods, readings(lambda));
    }

    /** What one replica offered {@code lambda} requests/s reports. */
    Map<Signal, Double> readings(double lambda) {
        double limit = batchLimit();
        boolean full = lambda > limit;
        double served = full ? limit : lambda;
        double step = step(served);
        double running = full ? maxBatch : running(served);
        double queue = full ? 20 * (lambda / limit) : 0.2;
        double ttft = full ? 6.0 : 0.15 + 0.002 * running;
        return Map.of(Signal.ARRIVALS_PS, lambda, Signal.REQUESTS_PS, served,
                Signal.RUNNING, running, Signal.QUEUE, queue, Signal.PROMPT_TPS, served * promptTokens,
                Signal.GENERATION_TPS, served * outputTokens, Signal.ITL_MEAN, step, Signal.TTFT_P95, ttft);
    }

    static WorkloadSnapshot pods(Instant at, int pods, Map<Signal, Double> values) {
        List<ReplicaReport> reports = new ArrayList<>();
        for (int i = 0; i < pods; i++) {
            reports.add(ReplicaReport.ready("pod-" + i, Fixtures.fresh(at, values)));
        }
        return WorkloadSnapshot.of(at, Fixtures.MAX_AGE, reports);
    }
}
