package dev.headroom.collectors.engine;

/** Instantaneous values an engine reports, read as they are at scrape time. */
public enum GaugeSignal {
    /** Requests waiting to be scheduled. */
    QUEUE,
    /** Requests in the running batch. */
    RUNNING,
    /** KV-cache occupancy, a ratio in 0..1. */
    KV_UTILIZATION,
    /** KV-cache size in tokens (blocks × block size), where the engine says. */
    KV_CAPACITY_TOKENS
}
