package dev.headroom.simulator.cluster;

/**
 * One replica's life, for accounting: billed from {@code requestedAtSeconds} to {@code stoppedAtSeconds}.
 *
 * @param readyAtSeconds    when it became ready; NaN if it was scaled away while starting
 * @param drainedFromSeconds when it stopped taking requests; NaN if it never drained
 * @param served            requests it finished
 */
public record ReplicaLifetime(int replica, double requestedAtSeconds, double readyAtSeconds,
        double drainedFromSeconds, double stoppedAtSeconds, long served) {

    public double billedSeconds() {
        return stoppedAtSeconds - requestedAtSeconds;
    }
}
