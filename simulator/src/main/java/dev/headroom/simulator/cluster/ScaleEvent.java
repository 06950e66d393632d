package dev.headroom.simulator.cluster;

/** The actuator changed the replica count from {@code from} to {@code to} at {@code timeSeconds}. */
public record ScaleEvent(double timeSeconds, int from, int to) {
}
