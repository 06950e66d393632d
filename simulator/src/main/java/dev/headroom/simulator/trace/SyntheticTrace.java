package dev.headroom.simulator.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A named, seeded request mix: an {@link ArrivalProcess} for when requests come and a
 * {@link LengthDistribution} each for their prompt and output lengths, over {@code durationSeconds}. It stands
 * in for a public trace of a given shape where the project cannot bundle one, described by the published
 * statistics of such traffic (means, tails, burst periods) rather than by any one recording; a generated
 * {@link Trace} goes through {@link TraceReplay} like a read one.
 *
 * <p>Deterministic per seed: arrivals and lengths come from two independent streams of a
 * {@link SplittableRandom} seeded by it, so changing the length model leaves the arrival times as they were.
 * Lengths are drawn in arrival order, prompt then output, two normal draws each.
 *
 * @param name            short, for tables and options, e.g. {@code code-completions}
 * @param arrivals        when requests arrive
 * @param prompt          prompt tokens per request
 * @param output          output tokens per request
 * @param durationSeconds how long the mix runs, > 0
 */
public record SyntheticTrace(String name, ArrivalProcess arrivals, LengthDistribution prompt,
                             LengthDistribution output, double durationSeconds) {

    /** Where the generated trace's clock starts (the epoch; only differences matter). */
    private static final long ORIGIN_NANOS = 0;

    public SyntheticTrace {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arrivals, "arrivals");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(output, "output");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a synthetic trace needs a name");
        }
        if (!(durationSeconds > 0) || !Double.isFinite(durationSeconds)) {
            throw new IllegalArgumentException("synthetic trace " + name + ": duration must be finite and > 0 seconds,"
                    + " was " + durationSeconds);
        }
    }

    /** The same mix over another duration (to shorten a run, or to lengthen it). */
    public SyntheticTrace withDuration(double seconds) {
        return new SyntheticTrace(name, arrivals, prompt, output, seconds);
    }

    /**
     * The requests for {@code seed}, as a trace whose clock starts at 0; line numbers are 1-based positions.
     * A first arrival is placed at 0 s, so that {@link TraceReplay} (which measures from the first row) keeps
     * the generated times unchanged.
     */
    public Trace generate(long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom times = root.split();
        SplittableRandom lengths = root.split();
        double[] at = arrivals.arrivals(durationSeconds, times);
        List<TraceRecord> records = new ArrayList<>(at.length + 1);
        // The anchor: one request at t = 0, drawn like the others.
        records.add(new TraceRecord(1, ORIGIN_NANOS, prompt.draw(lengths), output.draw(lengths)));
        for (double t : at) {
            records.add(new TraceRecord(records.size() + 1, ORIGIN_NANOS + Math.round(t * 1e9), prompt.draw(lengths),
                    output.draw(lengths)));
        }
        return new Trace(name + " (synthetic, seed " + seed + ")", records);
    }

    /** One line: the arrival shape and both length models. */
    public String describe() {
        return arrivals.describe() + "; prompts " + prompt.describe() + ", outputs " + output.describe() + "; "
                + String.format(java.util.Locale.ROOT, "%.0f min", durationSeconds / 60);
    }
}
