package dev.headroom.simulator;

/**
 * The engine's cumulative statistics, kept as vLLM V1 keeps them: token and preemption counters, finished
 * requests by reason, and the latency and size histograms with vLLM's own buckets. Mutated only by
 * {@link EngineModel}; not thread-safe, so whoever shares a model guards both with one lock.
 */
public final class EngineMetrics {

    long promptTokens;
    long generationTokens;
    long preemptions;
    long finishedLength;
    long finishedAbort;

    final BucketHistogram timeToFirstToken = new BucketHistogram(VllmBuckets.TIME_TO_FIRST_TOKEN);
    final BucketHistogram interTokenLatency = new BucketHistogram(VllmBuckets.INTER_TOKEN_LATENCY);
    final BucketHistogram e2eLatency = new BucketHistogram(VllmBuckets.REQUEST_LATENCY);
    final BucketHistogram queueTime = new BucketHistogram(VllmBuckets.REQUEST_LATENCY);
    final BucketHistogram inferenceTime = new BucketHistogram(VllmBuckets.REQUEST_LATENCY);
    final BucketHistogram prefillTime = new BucketHistogram(VllmBuckets.REQUEST_LATENCY);
    final BucketHistogram decodeTime = new BucketHistogram(VllmBuckets.REQUEST_LATENCY);
    final BucketHistogram requestPromptTokens;
    final BucketHistogram requestGenerationTokens;

    EngineMetrics(int maxModelLen) {
        double[] sizes = VllmBuckets.oneTwoFive(maxModelLen);
        requestPromptTokens = new BucketHistogram(sizes);
        requestGenerationTokens = new BucketHistogram(sizes);
    }

    public long promptTokens() {
        return promptTokens;
    }

    public long generationTokens() {
        return generationTokens;
    }

    public long preemptions() {
        return preemptions;
    }

    /** Requests that finished by reaching their output length ({@code finished_reason="length"}). */
    public long finishedLength() {
        return finishedLength;
    }

    /** Requests dropped unfinished when the engine was shut down ({@code finished_reason="abort"}). */
    public long finishedAbort() {
        return finishedAbort;
    }

    public BucketHistogram timeToFirstToken() {
        return timeToFirstToken;
    }

    public BucketHistogram interTokenLatency() {
        return interTokenLatency;
    }

    public BucketHistogram e2eLatency() {
        return e2eLatency;
    }

    public BucketHistogram queueTime() {
        return queueTime;
    }
}
