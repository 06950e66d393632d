package dev.headroom.collectors.engine;

import dev.headroom.collectors.exposition.ExpositionException;
import dev.headroom.collectors.exposition.ExpositionFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link SampleReader} made of one payload: a sample, a payload that is not exposition text, or text no
 * dialect recognised. Reading never throws on a bad payload; each way it can go wrong is a value the caller counts.
 */
public sealed interface ReadOutcome {

    /**
     * A dialect read the payload.
     *
     * @param dialect      the registry name of the dialect that read it
     * @param usedFamilies the families the dialect read, in the order it read them
     * @param familiesSeen every family name in the payload, read or not, in payload order
     */
    record Read(EngineSample sample, String dialect, ExpositionFormat format, List<String> usedFamilies,
            List<String> familiesSeen) implements ReadOutcome {
        public Read {
            Objects.requireNonNull(sample, "sample");
            Objects.requireNonNull(dialect, "dialect");
            Objects.requireNonNull(format, "format");
            usedFamilies = List.copyOf(usedFamilies);
            familiesSeen = List.copyOf(familiesSeen);
        }

        /** The families seen that the dialect did not read, in payload order: what {@code inspect} lists. */
        public List<String> unusedFamilies() {
            Set<String> used = new HashSet<>(usedFamilies);
            List<String> unused = new ArrayList<>();
            for (String name : familiesSeen) {
                if (!used.contains(name)) {
                    unused.add(name);
                }
            }
            return unused;
        }
    }

    /** The payload is not valid exposition text; the error names the 1-based line and column and what was expected. */
    record Malformed(ExpositionException error) implements ReadOutcome {
        public Malformed {
            Objects.requireNonNull(error, "error");
        }

        public int line() {
            return error.line();
        }

        public int column() {
            return error.column();
        }
    }

    /**
     * The payload parsed but no dialect recognised it.
     *
     * @param message the registry's message: the dialects tried, some of the families seen, how to map another engine
     */
    record Unrecognised(String message, List<String> familiesSeen) implements ReadOutcome {
        public Unrecognised {
            Objects.requireNonNull(message, "message");
            familiesSeen = List.copyOf(familiesSeen);
        }
    }
}
