package dev.headroom.collectors.exposition;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One parsed payload: the families the caller's filter kept, by name, plus the names of every family seen
 * (kept or skipped) so a dialect can recognise a payload and a user can see what was left unread.
 */
public final class Exposition {

    private final ExpositionFormat format;
    private final Map<String, MetricFamily> families;
    private final List<String> seenFamilyNames;
    private final int sampleCount;
    private volatile Set<String> seenSet;

    public Exposition(ExpositionFormat format, List<MetricFamily> families, List<String> seenFamilyNames,
            int sampleCount) {
        this.format = Objects.requireNonNull(format, "format");
        Map<String, MetricFamily> byName = new LinkedHashMap<>(Math.max(4, families.size() * 2));
        for (MetricFamily f : families) {
            if (byName.put(f.name(), f) != null) {
                throw new IllegalArgumentException("two families named " + f.name());
            }
        }
        this.families = Collections.unmodifiableMap(byName);
        this.seenFamilyNames = List.copyOf(seenFamilyNames);
        this.sampleCount = sampleCount;
    }

    public ExpositionFormat format() {
        return format;
    }

    /** The kept family of that name, or null: a hash lookup. */
    public MetricFamily family(String name) {
        return families.get(name);
    }

    public Optional<MetricFamily> findFamily(String name) {
        return Optional.ofNullable(families.get(name));
    }

    /** Kept families in payload order. */
    public Map<String, MetricFamily> families() {
        return families;
    }

    /** Every family name in the payload, kept or skipped, in payload order. */
    public List<String> seenFamilyNames() {
        return seenFamilyNames;
    }

    /** Whether the payload had a family of that name, kept or not. */
    public boolean sawFamily(String name) {
        if (families.containsKey(name)) {
            return true;
        }
        Set<String> s = seenSet;
        if (s == null) {
            s = new HashSet<>(seenFamilyNames);
            seenSet = s;
        }
        return s.contains(name);
    }

    /** Sample lines in the payload, kept or skipped. */
    public int sampleCount() {
        return sampleCount;
    }
}
