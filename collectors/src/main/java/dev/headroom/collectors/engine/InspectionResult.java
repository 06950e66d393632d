package dev.headroom.collectors.engine;

import dev.headroom.collectors.exposition.ExpositionException;
import dev.headroom.collectors.exposition.ExpositionFormat;
import java.util.List;
import java.util.Objects;

/** What {@link Inspection} made of one payload: recognised, malformed, or not any engine it knows. */
public sealed interface InspectionResult {

    /** The payload parsed and a dialect read it; {@code unusedFamilies} are the families it did not read. */
    record Recognised(String dialect, ExpositionFormat format, EngineSample sample, List<String> usedFamilies,
            List<String> unusedFamilies) implements InspectionResult {
        public Recognised {
            Objects.requireNonNull(dialect, "dialect");
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(sample, "sample");
            usedFamilies = List.copyOf(usedFamilies);
            unusedFamilies = List.copyOf(unusedFamilies);
        }
    }

    /** The payload is not valid exposition text; the error names line, column and what was expected. */
    record Malformed(ExpositionException error) implements InspectionResult {
        public Malformed {
            Objects.requireNonNull(error, "error");
        }
    }

    /** The payload parsed but no dialect recognised it; the message lists what was seen. */
    record Unrecognised(String message, List<String> familiesSeen) implements InspectionResult {
        public Unrecognised {
            Objects.requireNonNull(message, "message");
            familiesSeen = List.copyOf(familiesSeen);
        }
    }
}
