package dev.headroom.autoscaler.kubernetes;

import java.util.List;

/** A {@code HeadroomPolicy} that cannot be used; {@link #problems()} names every bad field at once. */
public final class InvalidPolicyException extends IllegalArgumentException {

    private final List<String> problems;

    public InvalidPolicyException(String policy, List<String> problems) {
        super("HeadroomPolicy " + policy + " is invalid: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem, naming the field (e.g. {@code spec.maxReplicas}), the value and what would be accepted. */
    public List<String> problems() {
        return problems;
    }
}
