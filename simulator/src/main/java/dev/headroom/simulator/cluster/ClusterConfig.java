package dev.headroom.simulator.cluster;

import dev.headroom.simulator.EngineConfig;

import java.util.Objects;

/**
 * A simulated deployment: every replica is one {@link EngineConfig} engine (on {@code gpusPerReplica} GPUs),
 * the scaler may choose between {@code minReplicas} and {@code maxReplicas}, and a new replica serves
 * {@code coldStartSeconds} after it was requested (and is billed from the request on).
 *
 * @param engine                 each replica's engine
 * @param gpusPerReplica         GPUs one replica holds (tensor parallel size), for GPU-hours
 * @param initialReplicas        replicas ready at t = 0
 * @param minReplicas            lower bound on the controller's answer, ≥ 1 so queued work always drains
 * @param maxReplicas            upper bound on the controller's answer
 * @param coldStartSeconds       delay from request to ready (pull, load weights, warm up), ≥ 0
 * @param controlIntervalSeconds the controller decides at each multiple of this (the HPA's sync period is 15 s)
 * @param scrapeIntervalSeconds  the controller observes at each multiple of this (a sidecar scrapes at 1 Hz)
 * @param balancer               how requests are spread over ready replicas
 * @param terminationGraceSeconds how long a replica scaled away keeps serving what it holds (its pod's
 *                               {@code terminationGracePeriodSeconds} with a preStop that waits for the engine to
 *                               drain); what is unfinished then fails. {@code +Infinity}: it finishes everything
 */
public record ClusterConfig(
        EngineConfig engine,
        int gpusPerReplica,
        int initialReplicas,
        int minReplicas,
        int maxReplicas,
        double coldStartSeconds,
        double controlIntervalSeconds,
        double scrapeIntervalSeconds,
        Balancer balancer,
        double terminationGraceSeconds) {

    /** Replicas scaled away finish everything they hold (no grace period limit). */
    public static final double UNBOUNDED_GRACE = Double.POSITIVE_INFINITY;

    /** As the canonical constructor, replicas scaled away finishing everything they hold. */
    public ClusterConfig(EngineConfig engine, int gpusPerReplica, int initialReplicas, int minReplicas,
                         int maxReplicas, double coldStartSeconds, double controlIntervalSeconds,
                         double scrapeIntervalSeconds, Balancer balancer) {
        this(engine, gpusPerReplica, initialReplicas, minReplicas, maxReplicas, coldStartSeconds,
                controlIntervalSeconds, scrapeIntervalSeconds, balancer, UNBOUNDED_GRACE);
    }

    public ClusterConfig {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(balancer, "balancer");
        if (gpusPerReplica < 1) {
            throw new IllegalArgumentException("ClusterConfig.gpusPerReplica must be >= 1, was " + gpusPerReplica);
        }
        if (minReplicas < 1 || maxReplicas < minReplicas) {
            throw new IllegalArgumentException("ClusterConfig needs 1 <= minReplicas <= maxReplicas, was min "
                    + minReplicas + ", max " + maxReplicas);
        }
        if (initialReplicas < minReplicas || initialReplicas > maxReplicas) {
            throw new IllegalArgumentException("ClusterConfig.initialReplicas must be within [" + minReplicas + ", "
                    + maxReplicas + "], was " + initialReplicas);
        }
        if (!(coldStartSeconds >= 0) || !Double.isFinite(coldStartSeconds)) {
            throw new IllegalArgumentException("ClusterConfig.coldStartSeconds must be finite and >= 0, was "
                    + coldStartSeconds);
        }
        if (!(controlIntervalSeconds > 0) || !Double.isFinite(controlIntervalSeconds)) {
            throw new IllegalArgumentException("ClusterConfig.controlIntervalSeconds must be finite and > 0, was "
                    + controlIntervalSeconds);
        }
        if (!(terminationGraceSeconds >= 0)) {
            throw new IllegalArgumentException("ClusterConfig.terminationGraceSeconds must be >= 0 (Infinity: "
                    + "unbounded), was " + terminationGraceSeconds);
        }
        if (!(scrapeIntervalSeconds > 0) || !Double.isFinite(scrapeIntervalSeconds)) {
            throw new IllegalArgumentException("ClusterConfig.scrapeIntervalSeconds must be finite and > 0, was "
                    + scrapeIntervalSeconds);
        }
    }

    /**
     * Defaults: 1 GPU per replica, 1 replica (min 1, max 16), 90 s cold start, decisions every 15 s,
     * observations at each decision only, least-requests balancing.
     */
    public static ClusterConfig of(EngineConfig engine) {
        return new ClusterConfig(engine, 1, 1, 1, 16, 90, 15, 15, Balancer.LEAST_REQUESTS);
    }

    public ClusterConfig withGpusPerReplica(int gpus) {
        return new ClusterConfig(engine, gpus, initialReplicas, minReplicas, maxReplicas, coldStartSeconds,
                controlIntervalSeconds, scrapeIntervalSeconds, balancer, terminationGraceSeconds);
    }

    /** Sets initial, min and max replicas together; initial must lie within [min, max]. */
    public ClusterConfig withReplicas(int initial, int min, int max) {
        return new ClusterConfig(engine, gpusPerReplica, initial, min, max, coldStartSeconds,
                controlIntervalSeconds, scrapeIntervalSeconds, balancer, terminationGraceSeconds);
    }

    public ClusterConfig withColdStartSeconds(double seconds) {
        return new ClusterConfig(engine, gpusPerReplica, initialReplicas, minReplicas, maxReplicas, seconds,
                controlIntervalSeconds, scrapeIntervalSeconds, balancer, terminationGraceSeconds);
    }

    public ClusterConfig withControlIntervalSeconds(double seconds) {
        return new ClusterConfig(engine, gpusPerReplica, initialReplicas, minReplicas, maxReplicas, coldStartSeconds,
                seconds, scrapeIntervalSeconds, balancer, terminationGraceSeconds);
    }

    public ClusterConfig withScrapeIntervalSeconds(double seconds) {
        return new ClusterConfig(engine, gpusPerReplica, initialReplicas, minReplicas, maxReplicas, coldStartSeconds,
                controlIntervalSeconds, seconds, balancer, terminationGraceSeconds);
    }

    public ClusterConfig withBalancer(Balancer b) {
        return new ClusterConfig(engine, gpusPerReplica, initialReplicas, minReplicas, maxReplicas, coldStartSeconds,
                controlIntervalSeconds, scrapeIntervalSeconds, b, terminationGraceSeconds);
    }

    /** Sets how long a replica scaled away may keep serving ({@link #UNBOUNDED_GRACE}: until it is done). */
    public ClusterConfig withTerminationGraceSeconds(double seconds) {
        return new ClusterConfig(engine, gpusPerReplica, initialReplicas, minReplicas, maxReplicas, coldStartSeconds,
                controlIntervalSeconds, scrapeIntervalSeconds, balancer, seconds);
    }
}
