package dev.headroom.simulator.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
 * <p>A {@link MixShift} changes the lengths from a given time on (a chat service that starts serving retrieval
 * with long contexts, an agent release with longer outputs): the arrivals are unchanged, and every request that
 * arrives from the shift on draws its lengths from the shift's distributions.
 *
 * @param name            short, for tables and options, e.g. {@code code-completions}
 * @param arrivals        when requests arrive
 * @param prompt          prompt tokens per request (before the shift, where there is one)
 * @param output          output tokens per request (before the shift, where there is one)
 * @param durationSeconds how long the mix runs, > 0
 * @param shift           the lengths from a given time on, if they change
 */
public record SyntheticTrace(String name, ArrivalProcess arrivals, LengthDistribution prompt,
                             LengthDistribution output, double durationSeconds, Optional<MixShift> shift) {

    /**
     * From {@code atSeconds} on, prompts and outputs are drawn from these instead.
     *
     * @param atSeconds when the mix changes, seconds from the start, > 0
     */
    public record MixShift(double atSeconds, LengthDistribution prompt, LengthDistribution output) {

        public MixShift {
            Objects.requireNonNull(prompt, "prompt");
            Objects.requireNonNull(output, "output");
            if (!(atSeconds > 0) || !Double.isFinite(atSeconds)) {
                throw new IllegalArgumentException("a mix shift must come after the start, at a finite time; was "
                        + atSeconds + " s");
            }
        }
    }

    /** Where the generated trace's clock starts (the epoch; only differences matter). */
    private static final long ORIGIN_NANOS = 0;

    public SyntheticTrace {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arrivals, "arrivals");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(shift, "shift");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a synthetic trace needs a name");
        }
        if (!(durationSeconds > 0) || !Double.isFinite(durationSeconds)) {
            throw new IllegalArgumentException("synthetic trace " + name + ": duration must be finite and > 0 seconds,"
                    + " was " + durationSeconds);
        }
        if (shift.isPresent() && !(shift.get().atSeconds() < durationSeconds)) {
            throw new IllegalArgumentException("synthetic trace " + name + ": the mix shift at "
                    + shift.get().atSeconds() + " s falls outside its " + durationSeconds + " s");
        }
    }

    /** A mix whose lengths do not change. */
    public SyntheticTrace(String name, ArrivalProcess arrivals, LengthDistribution prompt, LengthDistribution output,
                          double durationSeconds) {
        this(name, arrivals, prompt, output, durationSeconds, Optional.empty());
    }

    /** The same mix over another duration (to shorten a run, or to lengthen it). */
    public SyntheticTrace withDuration(double seconds) {
        return new SyntheticTrace(name, arrivals, prompt, output, seconds, shift);
    }

    /** The same arrivals, with the lengths drawn from {@code then}'s distributions from its time on. */
    public SyntheticTrace withShift(MixShift then) {
        return new SyntheticTrace(name, arrivals, prompt, output, durationSeconds, Optional.of(then));
    }

    /** The mean prompt tokens per request over the whole run, weighting each phase by its share of the time. */
    public double meanPromptTokens() {
        return shift.map(s -> blend(prompt.mean(), s.prompt().mean(), s.atSeconds())).orElse(prompt.mean());
    }

    /** The mean output tokens per request over the whole run, as {@link #meanPromptTokens()}. */
    public double meanOutputTokens() {
        return shift.map(s -> blend(output.mean(), s.output().mean(), s.atSeconds())).orElse(output.mean());
    }

    private double blend(double before, double after, double at) {
        double share = at / durationSeconds;
        return share * before + (1 - share) * after;
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
            boolean shifted = shift.isPresent() && t >= shift.get().atSeconds();
            LengthDistribution p = shifted ? shift.get().prompt() : prompt;
            LengthDistribution o = shifted ? shift.get().output() : output;
            records.add(new TraceRecord(records.size() + 1, ORIGIN_NANOS + Math.round(t * 1e9), p.draw(lengths),
                    o.draw(lengths)));
        }
        return new Trace(name + " (synthetic, seed " + seed + ")", records);
    }

    /** One line: the arrival shape and both length models (and the shift's, from its time on). */
    public String describe() {
        String then = shift.map(s -> String.format(java.util.Locale.ROOT, "; from %.0f min: prompts %s, outputs %s",
                s.atSeconds() / 60, s.prompt().describe(), s.output().describe())).orElse("");
        return arrivals.describe() + "; prompts " + prompt.describe() + ", outputs " + output.describe() + then + "; "
                + String.format(java.util.Locale.ROOT, "%.0f min", durationSeconds / 60);
    }
}
