package dev.headroom.agent.keda;

import dev.headroom.agent.external.Decisions;
import io.quarkus.arc.Unremovable;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

/** In the agent's tests, the decision book the KEDA scaler reads is one tests fill by hand. */
@Alternative
@Priority(1)
@ApplicationScoped
@Unremovable
public class TestDecisionBook extends Decisions {
}
