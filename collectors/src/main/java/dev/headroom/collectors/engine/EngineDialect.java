package dev.headroom.collectors.engine;

import dev.headroom.collectors.exposition.Exposition;
import dev.headroom.collectors.exposition.FamilyFilter;
import java.time.Instant;

/**
 * How one engine's metric families map onto Headroom's canonical {@link EngineSample}. One small interface per
 * engine (vLLM, SGLang, TGI, …), registered by name in a {@link DialectRegistry}.
 *
 * <p>A dialect never throws on a payload it recognised: a family it cannot read (e.g. a histogram without
 * {@code +Inf}) leaves that signal absent, as unknown, never zero.
 */
public interface EngineDialect {

    /** The registry name, e.g. {@code vllm}. */
    String name();

    /** The families this dialect may read; the parser skips the rest without building them. */
    FamilyFilter families();

    /** Whether the payload looks like this engine's (decided from the family names seen). */
    boolean recognises(Exposition exposition);

    /** Maps a recognised payload to a sample stamped {@code scrapedAt}, with the families it read. */
    EngineReading read(Exposition exposition, Instant scrapedAt);
}
