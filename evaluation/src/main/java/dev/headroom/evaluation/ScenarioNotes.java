package dev.headroom.evaluation;

import java.util.List;
import java.util.Objects;

/**
 * What a reader of the report must know about how the scenario was made from the trace.
 *
 * @param timestamps how the trace's timestamps were read (unit, and whether it was detected or set)
 * @param sizing     how the load was sized (by peak replicas or by peak rate), with the figures
 * @param warnings   rows dropped on the way, each with its count; printed and in the report
 */
public record ScenarioNotes(String timestamps, String sizing, List<String> warnings) {

    public static final ScenarioNotes NONE = new ScenarioNotes("as given", "as given", List.of());

    public ScenarioNotes {
        Objects.requireNonNull(timestamps, "timestamps");
        Objects.requireNonNull(sizing, "sizing");
        warnings = List.copyOf(warnings);
    }
}
