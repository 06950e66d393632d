package dev.headroom.agent.metrics;

import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.Objects;

/**
 * Counts the rounds of a loop that ended in an unexpected {@link Throwable}, in a counter row of
 * {@link MetricFamily} labelled {@code kind} with the throwable's class: a loop failure is reported as what it is
 * (an {@code OutOfMemoryError} is not a {@code NullPointerException}, and neither is an unreachable engine).
 *
 * <p>The label's values are bounded by the classes the loop's code can throw. Counting never throws: it runs on a
 * path that is already failing, where the heap may be exhausted.
 */
public final class LoopFailures {

    private final MeterRegistry registry;
    private final MetricFamily family;

    public LoopFailures(MeterRegistry registry, MetricFamily family) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.family = Objects.requireNonNull(family, "family");
        if (family.type() != MetricFamily.Type.COUNTER || !family.labels().equals(List.of(MetricFamily.Labels.KIND))) {
            throw new IllegalArgumentException(family + " is not a counter by kind");
        }
    }

    /** Counts one failed round of kind {@link #kind(Throwable)}. */
    public void count(Throwable failure) {
        try {
            MicrometerFamilies.counter(family).tag(MetricFamily.Labels.KIND, kind(failure)).register(registry)
                    .increment();
        } catch (Throwable ignored) {
            // The failure is logged and counted in memory by the loop; the meter is the part that may not fit.
        }
    }

    /** The label value: the throwable's simple class name, or its full name where it has none (anonymous). */
    public static String kind(Throwable failure) {
        if (failure == null) {
            return "unknown";
        }
        String simple = failure.getClass().getSimpleName();
        return simple.isEmpty() ? failure.getClass().getName() : simple;
    }
}
