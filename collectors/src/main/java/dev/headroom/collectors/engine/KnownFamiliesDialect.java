package dev.headroom.collectors.engine;

import dev.headroom.collectors.exposition.Exposition;
import dev.headroom.collectors.exposition.FamilyFilter;

import java.util.List;
import java.util.Set;

/**
 * The common shape of a dialect that reads a fixed set of families and recognises its engine by a few of them:
 * a subclass states its name, its families and its markers, and writes only {@link #read}.
 */
abstract class KnownFamiliesDialect implements EngineDialect {

    private final String name;
    private final Set<String> families;
    private final List<String> markers;

    /**
     * @param families every family the dialect may read; the parser skips the rest without building them
     * @param markers  families whose presence says "this engine" (any one is enough)
     */
    KnownFamiliesDialect(String name, Set<String> families, String... markers) {
        this.name = name;
        this.families = Set.copyOf(families);
        this.markers = List.of(markers);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final FamilyFilter families() {
        return families::contains;
    }

    @Override
    public boolean recognises(Exposition e) {
        for (String marker : markers) {
            if (e.sawFamily(marker)) {
                return true;
            }
        }
        return false;
    }
}
