package dev.headroom.evaluation;

/**
 * The SLO cannot be met for this mix by any number of replicas, or not by any the oracle may search: the
 * message says why (which requests, what they take alone, against which objective).
 */
public final class InfeasibleSloException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InfeasibleSloException(String message) {
        super(message);
    }
}
