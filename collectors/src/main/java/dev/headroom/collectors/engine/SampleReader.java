package dev.headroom.collectors.engine;

import dev.headroom.collectors.exposition.Exposition;
import dev.headroom.collectors.exposition.ExpositionException;
import dev.headroom.collectors.exposition.ExpositionFormat;
import dev.headroom.collectors.exposition.ExpositionParser;
import dev.headroom.collectors.exposition.FamilyFilter;
import dev.headroom.collectors.exposition.ParserLimits;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The one way from a metrics body to an {@link EngineSample}: the HTTP {@code Scraper}, {@code headroom inspect}
 * and the evaluation's simulated sidecars all read through it, so a payload is read the same way wherever it came
 * from, and a change to how (a new dialect, a filter) cannot reach one path and miss another.
 *
 * <p>The steps, as a deployed sidecar takes them: the format from the {@code Content-Type} (OpenMetrics when it says
 * so, else Prometheus text, as Prometheus does); the parse, building only the families a dialect may read (the
 * configured dialect's, else any registered dialect's: detection needs only names, which the parser records for
 * every family); the dialect, configured or else the first the registry detects; its reading, stamped with the
 * time the caller gives. A body that is not exposition text is {@link ReadOutcome.Malformed} with line and column,
 * text no dialect knows is {@link ReadOutcome.Unrecognised} with the registry's message; a read never throws on a
 * bad payload.
 *
 * <p>Threads: a reader owns one {@link ExpositionParser}, whose buffers and name table are reused from one parse to
 * the next (that is what keeps a scrape from allocating per sample). Parses through one reader are therefore
 * serialised on it; the dialect's reading, which allocates only the sample, runs outside the lock. One reader may
 * be shared by threads that read now and then (a scraper and its callers); threads that must parse at the same
 * time should have a reader each.
 */
public final class SampleReader {

    /** Families named in an "unrecognised" message from a scrape: a log line, not a listing. */
    static final int LISTED_FAMILIES = 10;
    /** Families named by a reader of {@link #everyFamily()}, for a person looking at one payload. */
    static final int LISTED_EVERY_FAMILY = 30;

    private final DialectRegistry registry;
    private final Optional<EngineDialect> configured;
    private final ParserLimits limits;
    private final FamilyFilter filter;
    private final int listed;
    private final ExpositionParser parser;

    /**
     * @param dialect {@code auto} (or null or blank) to detect per payload, or a name in {@code registry}
     * @throws IllegalArgumentException when the dialect is not in the registry; the message lists the accepted names
     */
    public SampleReader(DialectRegistry registry, String dialect, ParserLimits limits) {
        this(registry, registry.resolve(dialect), limits, null, LISTED_FAMILIES);
    }

    /** Detects the dialect per payload among {@code registry}'s, within the default parser limits. */
    public SampleReader(DialectRegistry registry) {
        this(registry, DialectRegistry.AUTO, ParserLimits.DEFAULTS);
    }

    private SampleReader(DialectRegistry registry, Optional<EngineDialect> configured, ParserLimits limits,
            FamilyFilter filter, int listed) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.configured = Objects.requireNonNull(configured, "configured");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.filter = filter != null ? filter
                : configured.map(EngineDialect::families).orElse(registry.anyDialectFamilies());
        this.listed = listed;
        this.parser = new ExpositionParser(limits);
    }

    /**
     * A reader like this one that builds every family, not only those a dialect may read, so that
     * {@link ReadOutcome.Read#unusedFamilies()} lists everything the dialect left aside, and whose "unrecognised"
     * message names more families. For a one-off look at a payload ({@code headroom inspect}), not a scrape loop.
     */
    public SampleReader everyFamily() {
        return new SampleReader(registry, configured, limits, FamilyFilter.ALL, LISTED_EVERY_FAMILY);
    }

    public DialectRegistry registry() {
        return registry;
    }

    /** The configured dialect; empty when the reader detects one per payload. */
    public Optional<EngineDialect> configured() {
        return configured;
    }

    public ParserLimits limits() {
        return limits;
    }

    /**
     * Reads bytes {@code [offset, offset + length)} of {@code body}.
     *
     * @param contentType the {@code Content-Type} the body came with; null when the sender gave none (read as
     *                    Prometheus text)
     */
    public ReadOutcome read(byte[] body, int offset, int length, String contentType, Instant scrapedAt) {
        return read(body, offset, length, ExpositionFormat.fromContentType(contentType), scrapedAt);
    }

    /** Reads a whole body in a known format (e.g. a file whose format was sniffed). */
    public ReadOutcome read(byte[] body, ExpositionFormat format, Instant scrapedAt) {
        return read(body, 0, body.length, format, scrapedAt);
    }

    /** Reads bytes {@code [offset, offset + length)} of {@code body} in a known format. */
    public ReadOutcome read(byte[] body, int offset, int length, ExpositionFormat format, Instant scrapedAt) {
        Objects.requireNonNull(scrapedAt, "scrapedAt");
        Exposition exposition;
        try {
            exposition = parse(body, offset, length, format, filter);
        } catch (ExpositionException e) {
            return new ReadOutcome.Malformed(e);
        }
        Optional<EngineDialect> dialect = configured.isPresent() ? configured : registry.detect(exposition);
        if (dialect.isEmpty()) {
            return new ReadOutcome.Unrecognised(registry.unrecognisedMessage(exposition.seenFamilyNames(), listed),
                    exposition.seenFamilyNames());
        }
        EngineReading reading = dialect.get().read(exposition, scrapedAt);
        return new ReadOutcome.Read(reading.sample(), dialect.get().name(), format, reading.usedFamilies(),
                exposition.seenFamilyNames());
    }

    /**
     * The parse step alone, for a payload that is exposition text but not an engine's: a DCGM exporter's GPUs are
     * no {@link EngineSample}, so its probe reads the families itself. Same parser, limits, lock and content-type
     * rule as {@link #read}; only {@code families} are built.
     *
     * @param contentType the {@code Content-Type} the body came with, or null (Prometheus text)
     * @throws ExpositionException when the body is not exposition text or breaks the reader's limits
     */
    public Exposition parse(byte[] body, int offset, int length, String contentType, FamilyFilter families)
            throws ExpositionException {
        return parse(body, offset, length, ExpositionFormat.fromContentType(contentType), families);
    }

    private Exposition parse(byte[] body, int offset, int length, ExpositionFormat format, FamilyFilter families)
            throws ExpositionException {
        Objects.requireNonNull(families, "families");
        synchronized (parser) {
            return parser.parse(body, offset, length, format, families);
        }
    }
}
