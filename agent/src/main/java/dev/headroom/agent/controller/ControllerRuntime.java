package dev.headroom.agent.controller;

import dev.headroom.autoscaler.kubernetes.DecisionBook;
import dev.headroom.autoscaler.kubernetes.LoopHeartbeat;
import dev.headroom.autoscaler.kubernetes.WorkloadDecision;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds the running controller, when this agent runs the controller role, and answers as its
 * {@link DecisionBook} (empty otherwise). Other beans (external metrics, KEDA) inject this.
 */
@ApplicationScoped
public class ControllerRuntime implements DecisionBook {

    private final AtomicReference<ControllerRun> running = new AtomicReference<>();

    /** Becomes the running controller; fails when one already runs. */
    public void started(ControllerRun run) {
        if (!running.compareAndSet(null, run)) {
            throw new IllegalStateException("the controller is already running");
        }
    }

    public boolean isRunning() {
        return running.get() != null;
    }

    /** Whether this controller holds the Lease now (true without leader election). */
    public boolean isLeader() {
        ControllerRun run = running.get();
        return run != null && run.leadership().isLeader();
    }

    /** The running controller's tick heartbeat; empty when no controller runs here. */
    public Optional<LoopHeartbeat> heartbeat() {
        ControllerRun run = running.get();
        return run == null ? Optional.empty() : Optional.of(run.controller().heartbeat());
    }

    @Override
    public Optional<WorkloadDecision> latest(String namespace, String name) {
        ControllerRun run = running.get();
        return run == null ? Optional.empty() : run.controller().latest(namespace, name);
    }

    @Override
    public Collection<WorkloadDecision> all() {
        ControllerRun run = running.get();
        return run == null ? List.of() : run.controller().all();
    }

    void stop(@Observes ShutdownEvent ignored) {
        ControllerRun run = running.getAndSet(null);
        if (run != null) {
            run.close();
        }
    }
}
