package dev.headroom.collectors.engine;

/** Latency distributions, all in seconds. */
public enum LatencySignal {
    /** Time to first token. */
    TTFT,
    /** Inter-token latency (time per output token). */
    ITL,
    /** End-to-end request latency. */
    E2E,
    /** Time spent waiting before the first schedule. */
    QUEUE_TIME
}
