package dev.headroom.collectors.engine;

import dev.headroom.collectors.exposition.ExpositionFormat;
import dev.headroom.collectors.exposition.ParserLimits;
import java.time.Instant;
import java.util.Objects;

/**
 * One payload in, what Headroom sees out: the entry point behind {@code ./headroom inspect}. Reads through a
 * {@link SampleReader}, as a scrape does, but one that builds every family (this is a one-off, not the hot path) so
 * that the families left unread can be listed.
 */
public final class Inspection {

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
        SampleReader reader = new SampleReader(registry, dialectName, limits).everyFamily();
        ExpositionFormat format = contentType == null ? ExpositionFormat.sniff(body)
                : ExpositionFormat.fromContentType(contentType);
        ReadOutcome outcome = reader.read(body, format, at);
        if (outcome instanceof ReadOutcome.Malformed m) {
            return new InspectionResult.Malformed(m.error());
        }
        if (outcome instanceof ReadOutcome.Unrecognised u) {
            return new InspectionResult.Unrecognised(u.message(), u.familiesSeen());
        }
        ReadOutcome.Read r = (ReadOutcome.Read) outcome;
        return new InspectionResult.Recognised(r.dialect(), r.format(), r.sample(), r.usedFamilies(),
                r.unusedFamilies());
    }
}
