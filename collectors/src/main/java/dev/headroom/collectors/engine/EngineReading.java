package dev.headroom.collectors.engine;

import java.util.List;
import java.util.Objects;

/** What a dialect made of one payload: the sample and the names of the families it actually read. */
public record EngineReading(EngineSample sample, List<String> usedFamilies) {

    public EngineReading {
        Objects.requireNonNull(sample, "sample");
        usedFamilies = List.copyOf(usedFamilies);
    }
}
