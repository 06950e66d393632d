package dev.headroom.autoscaler.policy;

import java.util.Objects;

/**
 * What {@link SloCapacityRule} has learned about one workload: the per-replica arrival rate at which the SLO is
 * just met for the current request mix, which SLO term binds there, and the evidence behind it. Carried by the
 * {@code arrivals_ps} {@link SignalInput} it sets the target of, so that {@code /v1/decisions}, the policy's
 * status and {@link DecisionText} show it.
 *
 * @param perReplica    requests/s one replica serves within the SLO for the current mix
 * @param binding       the SLO term that sets it
 * @param confidence    how far the estimate is proven ({@link Confidence})
 * @param samples       the samples the fit used (outliers left out)
 * @param loadSeen      the highest per-replica arrival rate among them: how far the evidence reaches
 * @param promptTokens  the current mix's mean prompt length (prompt tokens/s ÷ requests/s)
 * @param outputTokens  the current mix's mean output length (generation tokens/s ÷ requests/s)
 * @param itlAtCapacity the ITL quantity the fit predicts at {@code perReplica}, seconds
 * @param ttftAtCapacity the TTFT quantity the fit predicts at {@code perReplica}, seconds
 * @param batchAtCapacity requests in flight per replica at {@code perReplica} (Little's law along the fit); NaN
 *                        when not known
 * @param modelled      the rate the SLO terms and the engine's limits give before the evidence bounds it: above
 *                      {@code perReplica} when {@code binding} is {@link SloTerm#EVIDENCE}, else equal to it
 */
public record LearnedCapacity(double perReplica, SloTerm binding, Confidence confidence, int samples,
                              double loadSeen, double promptTokens, double outputTokens, double itlAtCapacity,
                              double ttftAtCapacity, double batchAtCapacity, double modelled) {

    /** A capacity that the evidence does not bound below what the model gives. */
    public LearnedCapacity(double perReplica, SloTerm binding, Confidence confidence, int samples, double loadSeen,
                           double promptTokens, double outputTokens, double itlAtCapacity, double ttftAtCapacity,
                           double batchAtCapacity) {
        this(perReplica, binding, confidence, samples, loadSeen, promptTokens, outputTokens, itlAtCapacity,
                ttftAtCapacity, batchAtCapacity, perReplica);
    }

    /** A capacity whose batch at capacity is not known. */
    public LearnedCapacity(double perReplica, SloTerm binding, Confidence confidence, int samples, double loadSeen,
                           double promptTokens, double outputTokens, double itlAtCapacity, double ttftAtCapacity) {
        this(perReplica, binding, confidence, samples, loadSeen, promptTokens, outputTokens, itlAtCapacity,
                ttftAtCapacity, Double.NaN);
    }

    /** The SLO term that limits a replica. */
    public enum SloTerm {
        /** The inter-token latency objective: the batch (and prefill chunks beside it) slows every step. */
        ITL,
        /** The time-to-first-token objective: prompts wait for prefill room. */
        TTFT,
        /**
         * Neither latency but the replica's own limit: requests queued while it finished this many per second
         * (its batch or KV cache is full).
         */
        SATURATION,
        /**
         * The KV cache: at this rate the batch would fill more than {@link SloCapacityModel#KV_SHARE} of it, as
         * its use per running request shows (the cache's limit, read before requests queue on it).
         */
        KV_CACHE,
        /** Not proven beyond what was seen: capped at a bounded step above the highest load observed. */
        EVIDENCE
    }

    /** How far the estimate may be acted on. */
    public enum Confidence {
        /** Too few samples or too narrow a range of load: the capacity may only ask for more replicas. */
        PROVISIONAL,
        /** Enough samples over a wide enough range: it votes both ways as a configured target would. */
        CONFIDENT
    }

    public LearnedCapacity {
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(confidence, "confidence");
        if (!(perReplica > 0) || !Double.isFinite(perReplica)) {
            throw new IllegalArgumentException("learned capacity must be positive and finite, got " + perReplica);
        }
        if (!(modelled >= perReplica)) {
            throw new IllegalArgumentException("the modelled capacity cannot be below the estimate, got " + modelled
                    + " < " + perReplica);
        }
        if (samples < 0) {
            throw new IllegalArgumentException("samples cannot be negative, got " + samples);
        }
    }
}
