package dev.headroom.collectors.engine;

import dev.headroom.collectors.exposition.Exposition;
import dev.headroom.collectors.exposition.FamilyFilter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The explicit list of engine dialects, by name, in detection order. No scanning: a dialect is added here in
 * code. Immutable once built; {@link #standard()} holds every dialect Headroom ships.
 */
public final class DialectRegistry {

    /** The dialect name that asks for detection from the families present. */
    public static final String AUTO = "auto";

    private final Map<String, EngineDialect> byName;
    private final FamilyFilter anyDialect;

    private DialectRegistry(List<EngineDialect> dialects) {
        Map<String, EngineDialect> map = new LinkedHashMap<>();
        for (EngineDialect d : dialects) {
            if (AUTO.equals(d.name())) {
                throw new IllegalArgumentException("'" + AUTO + "' is reserved for detection, not a dialect name");
            }
            if (map.putIfAbsent(d.name(), d) != null) {
                throw new IllegalArgumentException("two dialects named '" + d.name() + "'");
            }
        }
        this.byName = Collections.unmodifiableMap(map);
        FamilyFilter union = name -> false;
        for (EngineDialect d : map.values()) {
            union = union.or(d.families());
        }
        this.anyDialect = union;
    }

    /** A registry of these dialects; detection tries them in this order. */
    public static DialectRegistry of(EngineDialect... dialects) {
        return new DialectRegistry(List.of(dialects));
    }

    /** Every dialect Headroom ships. */
    public static DialectRegistry standard() {
        return of(new VllmDialect());
    }

    public Set<String> names() {
        return byName.keySet();
    }

    public Optional<EngineDialect> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The dialect for a configured name ({@code auto} gives empty: detect per payload); an unknown name is a
     * configuration error that lists the accepted ones.
     */
    public Optional<EngineDialect> resolve(String configured) {
        if (configured == null || configured.isBlank() || AUTO.equals(configured)) {
            return Optional.empty();
        }
        EngineDialect d = byName.get(configured);
        if (d == null) {
            throw new IllegalArgumentException("unknown engine dialect '" + configured + "'; expected " + AUTO
                    + " or one of " + byName.keySet());
        }
        return Optional.of(d);
    }

    /** The first dialect that recognises the payload. */
    public Optional<EngineDialect> detect(Exposition exposition) {
        for (EngineDialect d : byName.values()) {
            if (d.recognises(exposition)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** Families any registered dialect may read: the filter to parse with when the dialect is not yet known. */
    public FamilyFilter anyDialectFamilies() {
        return anyDialect;
    }

    public List<EngineDialect> dialects() {
        return new ArrayList<>(byName.values());
    }
}
