package dev.headroom.agent.demo;

/**
 * One second of the demo as the live view shows it. Unknown values are {@code NaN}: the sidecar had no
 * fresh data, which the view prints as a dash rather than as zero.
 *
 * @param elapsedSeconds   seconds since the load ramp started
 * @param offeredRps       the arrival rate the load generator aims at now
 * @param running          requests in the engine's running batch (from the sidecar)
 * @param queue            requests waiting (from the sidecar)
 * @param kvUtilization    KV-cache occupancy 0..1 (from the sidecar)
 * @param generationTps    generated tokens per second (from the sidecar)
 * @param ttftP95Seconds   time to first token, p95 over the window (from the sidecar)
 * @param gpuUtilization   what nvidia-smi would show, 0..1 (from the sidecar's GPU probe)
 * @param saturation       the composite saturation, 1.0 = at target (from the sidecar)
 * @param completed        requests completed so far
 * @param failed           requests that failed so far (rejected or errored)
 */
public record DemoTick(
        double elapsedSeconds,
        double offeredRps,
        double running,
        double queue,
        double kvUtilization,
        double generationTps,
        double ttftP95Seconds,
        double gpuUtilization,
        double saturation,
        long completed,
        long failed) {
}
