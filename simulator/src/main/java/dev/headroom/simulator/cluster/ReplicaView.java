package dev.headroom.simulator.cluster;

import dev.headroom.simulator.MetricsFormat;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One replica as seen at a tick. {@link #exposition()} and {@link #gpuUtilization()} are what a sidecar
 * reads (the engine's {@code /metrics} and NVML) and are what a policy under evaluation should use; the
 * engine's raw counts are there for tests and simple baselines. Valid only during the call that received it.
 */
public interface ReplicaView {

    /** Unique for the run, in the order replicas were requested. */
    int id();

    /** {@code replica-<id>}: a pod name. */
    String name();

    /** {@link ReplicaPhase#STARTING} or {@link ReplicaPhase#READY}. */
    ReplicaPhase phase();

    default boolean ready() {
        return phase() == ReplicaPhase.READY;
    }

    double requestedAtSeconds();

    /** When it became (or will become) ready. */
    double readyAtSeconds();

    /**
     * The engine's {@code GET /metrics} body now (vLLM V1 text, rendered on the first call and kept for this
     * tick); empty while starting, when there is no server to scrape.
     */
    Optional<String> exposition();

    /**
     * The {@code Content-Type} {@link #exposition()} would be served with: Prometheus text 0.0.4, as vLLM's and the
     * simulated {@code EngineServer}'s {@code /metrics}. A reader picks the format from it, as it would over HTTP.
     */
    default String expositionContentType() {
        return MetricsFormat.VLLM.contentType();
    }

    /** GPU utilisation now as NVML reports it (busy share of the last second); empty while starting. */
    OptionalDouble gpuUtilization();

    /** Requests in the running batch now (engine internals, for tests and baselines). */
    int runningRequests();

    /** Requests in the engine's waiting queue now (engine internals, for tests and baselines). */
    int waitingRequests();

    /** KV blocks in use, as a fraction (engine internals, for tests and baselines). */
    double kvCacheUsage();
}
