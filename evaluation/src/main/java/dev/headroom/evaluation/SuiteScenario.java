package dev.headroom.evaluation;

import dev.headroom.simulator.trace.SyntheticTrace;

import java.util.Objects;
import java.util.Optional;

/**
 * One scenario of the {@link Suite}: a load of a given shape, the cluster it runs on and the SLO it is judged
 * by, each scenario with its own (a long-context service promises a later first token than a chat service; a
 * larger image starts more slowly).
 *
 * @param name        short, for the table, e.g. {@code code-completions}
 * @param shape       one line on the load's shape and where its parameters come from
 * @param synthetic   the seeded mix; empty for the bundled Azure conversation trace, replayed as
 *                    {@code options} say (superposed to its peak rate, seeded)
 * @param options     cluster, SLO and cold start (and, for the trace, its replay); the seed is set per run
 */
public record SuiteScenario(String name, String shape, Optional<SyntheticTrace> synthetic, ScenarioOptions options) {

    public SuiteScenario {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(synthetic, "synthetic");
        Objects.requireNonNull(options, "options");
    }

    /** The run for {@code seed}: the mix generated with it, or the trace superposed with it. */
    public Scenario prepare(long seed) {
        ScenarioOptions seeded = options.withSeed(seed);
        return synthetic.map(mix -> Scenario.of(seeded, mix.generate(seed)))
                .orElseGet(() -> Scenario.prepareUnchecked(seeded));
    }
}
