package dev.headroom.collectors.exposition;

import java.util.List;
import java.util.Objects;

/**
 * One metric family: the name its TYPE line gave (or the sample name when it had none), its declared type, help
 * and unit (empty when absent), and its samples in payload order.
 */
public record MetricFamily(String name, MetricType type, String help, String unit, List<Sample> samples) {

    public MetricFamily {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        help = help == null ? "" : help;
        unit = unit == null ? "" : unit;
        samples = List.copyOf(samples);
    }

    /** The first sample whose full name is {@code sampleName}, or null. */
    public Sample first(String sampleName) {
        for (Sample s : samples) {
            if (s.name().equals(sampleName)) {
                return s;
            }
        }
        return null;
    }
}
