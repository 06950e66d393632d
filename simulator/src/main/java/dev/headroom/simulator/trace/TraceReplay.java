package dev.headroom.simulator.trace;

import dev.headroom.simulator.SimRequest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Turns a {@link Trace} into the request list a virtual-time run takes: cut a time window, rescale the
 * arrival rate (by compressing time, or by superposing jittered copies on the trace's own clock; see
 * {@link Rescale}), and apply the engine's length limit by an explicit, counted rule. Deterministic: time
 * compression uses no randomness; superposition draws from a {@link SplittableRandom} seeded by its seed.
 */
public final class TraceReplay {

    /** The span over which {@link Replay#peakRate()} is reported. */
    public static final double PEAK_WINDOW_SECONDS = 60.0;

    private TraceReplay() {
    }

    public static Replay prepare(Trace trace, ReplayOptions options) {
        List<TraceRecord> records = trace.records();
        if (records.isEmpty()) {
            return new Replay(List.of(), 1.0, 0, 1, 0, PEAK_WINDOW_SECONDS, 0, 0, 0, 0);
        }
        long origin = records.get(0).timeNanos();
        long from = origin + Math.round(options.fromSeconds() * 1e9);
        long to = Double.isInfinite(options.toSeconds()) ? Long.MAX_VALUE
                : origin + Math.round(options.toSeconds() * 1e9);

        List<TraceRecord> window = new ArrayList<>();
        int outside = 0;
        for (TraceRecord r : records) {
            if (r.timeNanos() < from || r.timeNanos() >= to) {
                outside++;
            } else {
                window.add(r);
            }
        }
        double[] offsets = new double[window.size()];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = (window.get(i).timeNanos() - from) / 1e9;
        }
        double k; // the factor on the arrival rate
        double timeScale = 1; // gaps are divided by this
        double copies = 1;
        double jitter = 0;
        long seed = 0;
        double peakWindow = PEAK_WINDOW_SECONDS;
        Rescale rescale = options.rescale();
        if (rescale instanceof Rescale.TargetPeakRate p) {
            peakWindow = p.windowSeconds();
            k = multiplierForPeak(offsets, p.requestsPerSecond(), p.windowSeconds(), trace.source());
            timeScale = k;
        } else if (rescale instanceof Rescale.RateMultiplier m) {
            k = m.k();
            timeScale = k;
        } else if (rescale instanceof Rescale.Superpose sp) {
            k = sp.copies();
            copies = k;
            jitter = sp.jitterSeconds();
            seed = sp.seed();
        } else {
            Rescale.SuperposeToPeak sp = (Rescale.SuperposeToPeak) rescale;
            peakWindow = sp.windowSeconds();
            double own = peakRate(offsets, sp.windowSeconds());
            if (!(own > 0)) {
                throw new IllegalArgumentException("cannot superpose " + trace.source()
                        + " to a peak rate: it has no arrivals in the chosen window");
            }
            k = sp.requestsPerSecond() / own;
            copies = k;
            jitter = sp.jitterSeconds();
            seed = sp.seed();
        }
        double end = Double.isInfinite(options.toSeconds())
                ? (offsets.length == 0 ? 0 : offsets[offsets.length - 1])
                : options.toSeconds() - options.fromSeconds();

        int maxLen = options.maxModelLen();
        int empty = 0;
        int clipped = 0;
        int tooLong = 0;
        List<SimRequest> out = new ArrayList<>(window.size());
        for (int i = 0; i < window.size(); i++) {
            TraceRecord r = window.get(i);
            int prompt = r.promptTokens();
            int output = r.outputTokens();
            if (prompt == 0 || output == 0) {
                empty++;
                continue;
            }
            if ((long) prompt + output > maxLen) {
                if (options.lengthRule() == LengthRule.DROP) {
                    tooLong++;
                    continue;
                }
                output = Math.min(output, maxLen - 1);
                prompt = Math.min(prompt, maxLen - output);
                clipped++;
            }
            out.add(new SimRequest(out.size(), offsets[i] / timeScale, prompt, output));
        }
        double span = end / timeScale;
        int thinned = 0;
        if (copies != 1 || jitter > 0) {
            int[] none = new int[1];
            out = superpose(out, copies, jitter, span, seed, none);
            thinned = none[0];
        }
        int passes = 1;
        int pastDuration = 0;
        if (options.repeatUntilSeconds() > 0 && span > 0 && !out.isEmpty()) {
            List<SimRequest> one = List.copyOf(out);
            out.clear();
            passes = 0;
            for (double shift = 0; shift < options.repeatUntilSeconds(); shift += span) {
                passes++;
                for (SimRequest r : one) {
                    double t = shift + r.arrivalSeconds();
                    if (t >= options.repeatUntilSeconds()) {
                        if (passes == 1) {
                            pastDuration = one.size() - (out.size());
                        }
                        break;
                    }
                    out.add(new SimRequest(out.size(), t, r.promptTokens(), r.outputTokens()));
                }
            }
            span = options.repeatUntilSeconds();
        }
        double[] times = new double[out.size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = out.get(i).arrivalSeconds();
        }
        double peak = peakRate(times, peakWindow);
        return new Replay(out, k, span, passes, peak, peakWindow, outside, empty, clipped, tooLong, thinned,
                pastDuration);
    }

    /**
     * {@code copies} arrivals per request on average (the fractional part drawn per request), each moved by a
     * uniform jitter of width {@code jitter}, reflected into {@code [0, span]}; sorted by arrival, ids renumbered.
     * {@code none[0]} receives the number of requests given no copy.
     */
    static List<SimRequest> superpose(List<SimRequest> in, double copies, double jitter, double span, long seed,
            int[] none) {
        SplittableRandom random = new SplittableRandom(seed);
        int whole = (int) Math.floor(copies);
        double fraction = copies - whole;
        List<SimRequest> out = new ArrayList<>((int) Math.ceil(in.size() * copies) + 1);
        for (SimRequest r : in) {
            int n = whole + (fraction > 0 && random.nextDouble() < fraction ? 1 : 0);
            if (n == 0) {
                none[0]++;
            }
            for (int c = 0; c < n; c++) {
                double t = reflect(r.arrivalSeconds() + (random.nextDouble() - 0.5) * jitter, span);
                out.add(new SimRequest(0, t, r.promptTokens(), r.outputTokens()));
            }
        }
        out.sort(Comparator.comparingDouble(SimRequest::arrivalSeconds));
        List<SimRequest> numbered = new ArrayList<>(out.size());
        for (SimRequest r : out) {
            numbered.add(new SimRequest(numbered.size(), r.arrivalSeconds(), r.promptTokens(), r.outputTokens()));
        }
        return numbered;
    }

    /**
     * {@code t} reflected at 0 and at {@code span} as often as it takes to land in {@code [0, span]}: a jitter
     * wider than the trace folds back and forth across it (reflected once only, such copies had all piled up at 0).
     */
    static double reflect(double t, double span) {
        if (!(span > 0)) {
            return 0;
        }
        double folded = Math.abs(t) % (2 * span);
        return folded > span ? 2 * span - folded : folded;
    }

    /**
     * The most arrivals in any closed span of {@code windowSeconds} (sliding: each span starts at an
     * arrival), divided by the span.
     *
     * @param sortedSeconds arrival times, ascending
     */
    public static double peakRate(double[] sortedSeconds, double windowSeconds) {
        int best = 0;
        int lo = 0;
        for (int hi = 0; hi < sortedSeconds.length; hi++) {
            while (sortedSeconds[hi] - sortedSeconds[lo] > windowSeconds) {
                lo++;
            }
            best = Math.max(best, hi - lo + 1);
        }
        return best / windowSeconds;
    }

    /**
     * The rate multiplier after which the busiest {@code window} seconds hold {@code m = round(rate × window)}
     * arrivals: the tightest run of {@code m} consecutive arrivals, compressed to just under the window. Any
     * busier span would have needed an even tighter run, so the peak is exactly {@code m / window} unless
     * arrivals tie.
     */
    static double multiplierForPeak(double[] offsets, double rate, double window, String source) {
        long m = Math.round(rate * window);
        if (m < 2) {
            throw new IllegalArgumentException("a target peak of " + rate + " req/s over " + window
                    + " s is under 2 requests per window; use a longer window or a rate multiplier");
        }
        if (m > offsets.length) {
            throw new IllegalArgumentException("cannot reach a peak of " + rate + " req/s over " + window + " s: "
                    + source + " holds only " + offsets.length + " requests in the chosen window");
        }
        int run = (int) m;
        double tightest = Double.POSITIVE_INFINITY;
        for (int i = 0; i + run - 1 < offsets.length; i++) {
            tightest = Math.min(tightest, offsets[i + run - 1] - offsets[i]);
        }
        if (!(tightest > 0)) {
            throw new IllegalArgumentException("cannot scale " + source + " to a peak rate: " + m
                    + " requests share one timestamp");
        }
        // A hair more compression so that rounding cannot push the tightest run just outside the window.
        return tightest / window * (1 + 1e-9);
    }
}
