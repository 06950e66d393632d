package dev.headroom.signals;

import java.util.List;

/**
 * Saturation targets that cannot be used. Every problem found is listed, each naming the key, the value
 * given and what would be accepted, so that one bad configuration needs one round of fixes.
 */
public final class InvalidTargetsException extends IllegalArgumentException {

    private final List<String> problems;

    public InvalidTargetsException(List<String> problems) {
        super("invalid saturation targets: " + String.join("; ", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an InvalidTargetsException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** One message per bad entry. */
    public List<String> problems() {
        return problems;
    }
}
