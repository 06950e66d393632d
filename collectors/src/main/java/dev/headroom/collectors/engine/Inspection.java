package dev.headroom.collectors.engine;

import dev.headroom.collectors.exposition.Exposition;
import dev.headroom.collectors.exposition.ExpositionException;
import dev.headroom.collectors.exposition.ExpositionFormat;
import dev.headroom.collectors.exposition.ExpositionParser;
import dev.headroom.collectors.exposition.FamilyFilter;
import dev.headroom.collectors.exposition.ParserLimits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One payload in, what Headroom sees out: the entry point behind {@code ./headroom inspect}. Parses every family
 * (this is a one-off, not the hot path) so that the families left unread can be listed.
 */
public final class Inspection {

    private static final int LISTED_FAMILIES = 30;

    private final DialectRegistry registry;
    private final ParserLimits limits;

    public Inspection(DialectRegistry registry, ParserLimits limits) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public Inspection() {
        this(DialectRegistry.standard(), ParserLimits.DEFAULTS);
    }

    /**
     * @param contentType the {@code Content-Type} the body came with, or null for a file (sniffed: OpenMetrics
     *                    when it ends in {@code # EOF})
     * @param dialectName {@code auto} or a registered dialect name; an unknown name throws
     *                    {@link IllegalArgumentException} listing the accepted ones
     */
    public InspectionResult inspect(byte[] body, String contentType, String dialectName, Instant at) {
        Optional<EngineDialect> configured = registry.resolve(dialectName);
        ExpositionFormat format = contentType == null ? ExpositionFormat.sniff(body)
                : ExpositionFormat.fromContentType(contentType);
        Exposition exposition;
        try {
            exposition = new ExpositionParser(limits).parse(body, format, FamilyFilter.ALL);
        } catch (ExpositionException e) {
            return new InspectionResult.Malformed(e);
        }
        Optional<EngineDialect> dialect = configured.isPresent() ? configured : registry.detect(exposition);
        if (dialect.isEmpty()) {
            List<String> seen = exposition.seenFamilyNames();
            String message = registry.unrecognisedMessage(seen, LISTED_FAMILIES);
            return new InspectionResult.Unrecognised(message, seen);
        }
        EngineReading reading = dialect.get().read(exposition, at);
        Set<String> used = new HashSet<>(reading.usedFamilies());
        List<String> unused = new ArrayList<>();
        for (String name : exposition.seenFamilyNames()) {
            if (!used.contains(name)) {
                unused.add(name);
            }
        }
        return new InspectionResult.Recognised(dialect.get().name(), format, reading.sample(),
                reading.usedFamilies(), unused);
    }
}
