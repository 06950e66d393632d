package dev.headroom.agent.demo;

/**
 * One second of the demo's second act. Unknown values are {@code NaN} (no ready replica had fresh data), shown as a
 * dash, never as zero.
 *
 * @param elapsedSeconds seconds since the load started
 * @param offeredRps     the arrival rate offered now
 * @param desired        replicas the scale asks for (ready + starting)
 * @param ready          replicas taking traffic
 * @param starting       replicas still in their cold start
 * @param running        requests running, summed over ready replicas (from their sidecars)
 * @param queue          requests waiting, summed over ready replicas (from their sidecars)
 * @param kvUtilization  KV-cache occupancy, mean over ready replicas
 * @param saturation     composite saturation, mean over ready replicas (1.0 = at target)
 * @param reason         the policy's decision this second ({@code DecisionReason} name)
 * @param message        the decision in one line
 * @param completed      requests completed so far
 * @param failed         requests rejected or failed so far
 */
public record ScalingTick(double elapsedSeconds, double offeredRps, int desired, int ready, int starting,
                          double running, double queue, double kvUtilization, double saturation, String reason,
                          String message, long completed, long failed) {
}
