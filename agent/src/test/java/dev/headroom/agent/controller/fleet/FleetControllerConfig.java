package dev.headroom.agent.controller.fleet;

import dev.headroom.agent.controller.ControllerConfig;

import java.time.Duration;
import java.util.Optional;

/**
 * The configuration {@code headroom controller} runs with by default ({@code headroom.controller.*} unset), except
 * that no Lease is campaigned for: the benchmark runs one controller, which then acts as the leader (it writes
 * status and Events on change, as a leader does).
 */
record FleetControllerConfig(Duration tick) implements ControllerConfig {

    @Override
    public Optional<String> namespace() {
        return Optional.empty();
    }

    @Override
    public Optional<Duration> interval() {
        return Optional.of(tick);
    }

    @Override
    public Duration pollTimeout() {
        return Duration.ofMillis(500);
    }

    @Override
    public Optional<Duration> maxDataAge() {
        return Optional.empty();
    }

    @Override
    public Optional<Duration> readinessDelay() {
        return Optional.empty();
    }

    @Override
    public boolean leaderElection() {
        return false;
    }

    @Override
    public String leaseName() {
        return "headroom-controller";
    }

    @Override
    public Optional<String> leaseNamespace() {
        return Optional.empty();
    }

    @Override
    public int shards() {
        return 1;
    }

    @Override
    public Optional<String> identity() {
        return Optional.of("fleet-bench");
    }

    @Override
    public boolean decisionsOnHttpPort() {
        return false;
    }
}
