package dev.headroom.autoscaler.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One workload's evidence for {@link SloCapacityRule} and the fit through it: a bounded, decaying window of
 * per-replica samples, a robust weighted least-squares fit of latency against load, and its inversion for the
 * rate at which the SLO is just met. Not thread-safe: the policy holds the workload's lock.
 *
 * <p><b>The model.</b> llm-d's Workload Variant Autoscaler fits {@code ITL = α + β·batch} offline from
 * benchmarks and derives the highest rate within the SLO with a queueing model; its notes say the model ignores
 * sequence length. Here the fit is online and takes the prompt's part: a scheduler step serves the running
 * decodes and, with chunked prefill, the prefill tokens admitted beside them, so the step time (the mean ITL) is
 * modelled as {@code itl = a + b·running + c·prefill}, where {@code prefill = prompt tokens/s × itl} is the
 * prefill tokens per step a replica ran. Little's law ties the batch to the rate: {@code running = λ·(T₀ + O·itl)},
 * with {@code O} the mean output length and {@code T₀} the time a request spends before its decode (learned as the
 * median of {@code running/λ − O·itl}). Together, with {@code P} the mean prompt length,
 * {@code itl(λ) = (a + b·λ·T₀) / (1 − b·λ·O − c·λ·P)}, and the rate at which the ITL objective {@code S} is met is
 * {@code λ = (S − a) / (b·(T₀ + O·S) + c·P·S)}: longer prompts or outputs lower it at once, before the fit has
 * seen the new mix. The step time is fitted over the readings at which the replica was not full (fewer than
 * {@value #SATURATED_QUEUE} waiting per replica; all readings where fewer than three are left): a full replica's
 * batch is what a backlog admitted, and its limit is read apart, below. TTFT is fitted on the same features over
 * the samples without a queue, nor one within {@link #QUEUE_ECHO} before them (below saturation it grows with the
 * prefill ahead of a prompt; past it, it is a queue and says nothing of capacity, and the TTFT window still holds
 * that queue's wait after it has drained) and inverted by bisection. While requests wait on every replica, the
 * batch a replica holds is its limit; the median of those batches, turned into a rate by Little's law, caps the
 * estimate (a backlog one replica holds beside others with room is not such a reading).
 *
 * <p><b>Robustness.</b> A sample enters the fit only once the next one confirms it (a value more than
 * {@value #SPIKE_FACTOR}× both neighbours is dropped: one {@code requests_ps} reading of 1e5 teaches nothing);
 * samples older than {@link #HORIZON} leave (the batch sizes seen while requests waited stay, the last
 * {@value #MAX_SATURATION}: a batch limit is the engine's configuration, not the load's), and the rest weigh by age with a {@link #HALF_LIFE} half-life, so a
 * wrong start or a changed mix is outweighed within minutes; after a first fit, residuals beyond 3.5 robust
 * standard deviations are left out and the fit is repeated; coefficients are kept non-negative (latency does not
 * fall with load), with a small ridge term where load and prefill move together. The estimate never reaches
 * beyond {@value #EXPLORE}× the highest per-replica load, nor beyond the rate that fills {@value #EXPLORE_BATCH}×
 * the largest batch actually seen ({@link LearnedCapacity.SloTerm#EVIDENCE}): an engine's hard limits
 * ({@code max_num_seqs}, the KV cache) are invisible until reached, so each scale-down the estimate allows is one
 * bounded step into the unknown, proven before the next.
 *
 * <p>Cost: at most {@value #MAX_SAMPLES} samples; one fit is a few passes over them and a 3×3 solve.
 */
final class SloCapacityModel {

    /** Samples kept: an hour at a 15 s decision interval. */
    static final int MAX_SAMPLES = 240;
    /** Saturation samples kept. */
    static final int MAX_SATURATION = 16;
    /**
     * Saturation samples needed before their batch size caps the estimate: one queue behind one very long prompt
     * is a blip, not the replica's limit.
     */
    static final int MIN_SATURATION = 3;
    /** Samples older than this leave the fit. */
    static final Duration HORIZON = Duration.ofMinutes(30);
    /** A sample's weight halves every this long. */
    static final Duration HALF_LIFE = Duration.ofMinutes(5);
    /** Fewer samples than this: the estimate is provisional. */
    static final int MIN_SAMPLES = 8;
    /** How far beyond the highest per-replica load seen the estimate may reach. */
    static final double EXPLORE = 1.3;
    /**
     * How far beyond the largest batch seen the estimate may reach: as far as beyond the load ({@link #EXPLORE}).
     * A smaller step here cancels the target's own share: at 1.15 the target sat at about the load already seen, so
     * replicas that had kept the load below it were never given back (a diurnal day held one replica above the
     * oracle for hours).
     */
    static final double EXPLORE_BATCH = EXPLORE;
    /**
     * Requests waiting per replica beyond which it is full (the default queue alarm): a few waiting for one step's
     * prefill room is admission, not a full batch.
     */
    static final double SATURATED_QUEUE = 4.0;
    /** Readings the current mix is read from. */
    static final int RECENT = 8;
    /** Readings the settled mix is read from (ten minutes at a 15 s interval). */
    static final int SETTLED = 40;
    /**
     * KV use below which a reading says little of the cache's size (a handful of requests; the ratio's rounding
     * dominates).
     */
    static final double KV_READABLE = 0.2;
    /**
     * The share of the KV cache the batch may fill at the learned capacity: beyond it a burst of long prompts has
     * no room, and the engine queues or preempts (vLLM preempts when a step finds no free block).
     */
    static final double KV_SHARE = 0.85;
    /**
     * How long after a queue the TTFT readings still carry its wait: a TTFT quantile is read over a window of first
     * tokens, and a request that waited is observed when it finally starts, after the queue has gone.
     */
    static final Duration QUEUE_ECHO = Duration.ofMinutes(2);
    /** A value more than this many times both its neighbours is a spike. */
    static final double SPIKE_FACTOR = 4.0;

    /**
     * One decision's per-replica reading.
     *
     * @param queueMin the fewest requests waiting on any one ready replica: whether every replica was full, or
     *                 some had room beside a backlog that others hold
     */
    record Sample(Instant at, double arrivals, double finished, double running, double queue, double queueMin,
                  double promptTps, double generationTps, double itl, double stepTime, double ttft, double kv) {

        double promptTokens() {
            return promptTps / finished;
        }

        double outputTokens() {
            return generationTps / finished;
        }

        double prefillPerStep() {
            return promptTps * stepTime;
        }

        boolean queued() {
            return queue >= 1.0;
        }

        boolean saturated() {
            return queue >= SATURATED_QUEUE;
        }

        /**
         * Whether the batch per replica is the replicas' limit: requests waited on every one of them. A backlog
         * one replica holds beside others with room (an engine keeps what was routed to it; the replicas added
         * for it start empty) raises the mean queue while the mean batch is what the arrivals keep in flight.
         */
        boolean everyReplicaFull() {
            return saturated() && queueMin >= 1.0;
        }

        /** The batch a full KV cache holds at this reading's mix ({@code running ÷ KV use}), NaN when unknown. */
        double batchAtFullCache() {
            return kv >= KV_READABLE && running >= 1 ? running / kv : Double.NaN;
        }

        double[] values() {
            return new double[] {arrivals, finished, running, promptTps, generationTps, itl, ttft};
        }
    }

    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private final ArrayDeque<Sample> saturation = new ArrayDeque<>();
    private Sample previous;
    private Sample pending;

    /**
     * Offers one reading; it joins the evidence one reading later, unless it was a spike against both neighbours.
     */
    void offer(Sample s) {
        if (pending != null && (previous == null || !spike(previous, pending, s))) {
            accept(pending);
            previous = pending;
        }
        pending = s;
        Instant cutoff = s.at().minus(HORIZON);
        while (!samples.isEmpty() && samples.peekFirst().at().isBefore(cutoff)) {
            samples.removeFirst();
        }
    }

    private void accept(Sample s) {
        samples.addLast(s);
        while (samples.size() > MAX_SAMPLES) {
            samples.removeFirst();
        }
        if (s.everyReplicaFull()) {
            saturation.addLast(s);
            while (saturation.size() > MAX_SATURATION) {
                saturation.removeFirst();
            }
        }
    }

    private static boolean spike(Sample before, Sample s, Sample after) {
        double[] b = before.values();
        double[] v = s.values();
        double[] a = after.values();
        for (int i = 0; i < v.length; i++) {
            double floor = 1e-9;
            if (v[i] > SPIKE_FACTOR * Math.max(b[i], floor) && v[i] > SPIKE_FACTOR * Math.max(a[i], floor)
                    && v[i] > 1e-6) {
                return true;
            }
        }
        return false;
    }

    int size() {
        return samples.size();
    }

    /**
     * The capacity for the current mix (the newest reading's prompt and output lengths) against {@code slo},
     * or null with no accepted sample.
     */
    LearnedCapacity estimate(SloSpec slo, Instant now) {
        if (samples.isEmpty()) {
            return null;
        }
        Sample newest = pending != null ? pending : samples.peekLast();
        int n = samples.size();
        Sample[] all = samples.toArray(new Sample[0]);
        double[] w = new double[n];
        double halfLife = HALF_LIFE.toNanos() / 1e9;
        double loadSeen = 0;
        double batchSeen = 0;
        for (int i = 0; i < n; i++) {
            w[i] = Math.pow(0.5, Duration.between(all[i].at(), now).toNanos() / 1e9 / halfLife);
            loadSeen = Math.max(loadSeen, all[i].arrivals());
            batchSeen = Math.max(batchSeen, all[i].running());
        }
        // The mix: the median lengths of the last few readings, or of the last ten minutes when those are longer
        // (a lull of short requests does not lend capacity that the next long ones need back at once).
        double p = Math.max(recentMedian(all, Sample::promptTokens, newest.promptTokens(), RECENT),
                recentMedian(all, Sample::promptTokens, newest.promptTokens(), SETTLED));
        double o = Math.max(1, Math.max(recentMedian(all, Sample::outputTokens, newest.outputTokens(), RECENT),
                recentMedian(all, Sample::outputTokens, newest.outputTokens(), SETTLED)));
        double[] residence = new double[n];
        for (int i = 0; i < n; i++) {
            Sample s = all[i];
            residence[i] = s.arrivals() > 0 ? s.running() / s.arrivals() - s.outputTokens() * s.stepTime() : 0;
        }
        double t0 = Math.max(0, median(residence));

        double[] itlFit = fit(all, w, Sample::itl, saturated(all));
        if (itlFit == null) {
            itlFit = fit(all, w, Sample::itl);
        }
        double[] ttftFit = fit(all, w, Sample::ttft, queueOrEcho(all));
        double s = slo.itlSeconds();
        double a = itlFit[0];
        double b = itlFit[1];
        double c = itlFit[2];
        double lambdaItl;
        double denominator = b * (t0 + o * s) + c * p * s;
        if (s <= a) {
            lambdaItl = 1e-3; // no load meets it: the alarms and the maximum replicas are all there is
        } else if (denominator <= 1e-12) {
            lambdaItl = Double.POSITIVE_INFINITY;
        } else {
            lambdaItl = (s - a) / denominator;
        }
        LearnedCapacity.SloTerm binding = LearnedCapacity.SloTerm.ITL;
        double lambda = lambdaItl;
        double bound = Double.isFinite(lambdaItl) ? lambdaItl : EXPLORE * loadSeen;
        if (ttftFit != null && ttft(ttftFit, itlFit, bound, t0, o, p) > slo.ttftSeconds()) {
            double lo = 0;
            double hi = bound;
            for (int i = 0; i < 40; i++) {
                double mid = (lo + hi) / 2;
                if (ttft(ttftFit, itlFit, mid, t0, o, p) > slo.ttftSeconds()) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            lambda = Math.max(lo, 1e-3);
            binding = LearnedCapacity.SloTerm.TTFT;
        }
        if (saturation.size() >= MIN_SATURATION) {
            // While requests wait, the batch is as large as the replica lets it be (max_num_seqs, or what the KV
            // cache holds): the median of those batch sizes is the replica's limit, and Little's law turns it into
            // the rate that fills it for the current mix.
            double cap = median(saturation.stream().mapToDouble(Sample::running).toArray());
            double saturated = rateFilling(cap, itlFit, t0, o, p);
            if (saturated < lambda) {
                lambda = saturated;
                binding = LearnedCapacity.SloTerm.SATURATION;
            }
        }
        // The KV cache: its use shows the batch a full cache holds for the current mix long before it fills (the
        // batch limit that SATURATION only learns once requests queue). The median over the recent readings.
        double fullCache = finiteMedian(all, Sample::batchAtFullCache, SETTLED);
        if (Double.isFinite(fullCache)) {
            double kvBound = rateFilling(KV_SHARE * fullCache, itlFit, t0, o, p);
            if (kvBound < lambda) {
                lambda = kvBound;
                binding = LearnedCapacity.SloTerm.KV_CACHE;
            }
        }
        // Evidence: no further than a bounded step beyond the highest load and the largest batch seen. The batch
        // is where an engine's hard limits are (max_num_seqs, the KV cache), and they show only once reached.
        // While provisional, not even that: a fit of a few readings at one load says little beyond it.
        double modelled = Math.max(lambda, 1e-3);
        boolean provisional = n < MIN_SAMPLES;
        double evidence = provisional ? loadSeen
                : Math.min(EXPLORE * loadSeen, rateFilling(EXPLORE_BATCH * batchSeen, itlFit, t0, o, p));
        if (evidence < lambda) {
            lambda = evidence;
            binding = LearnedCapacity.SloTerm.EVIDENCE;
        }
        lambda = Math.max(lambda, 1e-3);
        LearnedCapacity.Confidence confidence = n >= MIN_SAMPLES ? LearnedCapacity.Confidence.CONFIDENT
                : LearnedCapacity.Confidence.PROVISIONAL;
        double step = itl(itlFit, lambda, t0, o, p);
        return new LearnedCapacity(lambda, binding, confidence, n, loadSeen, p, o, step,
                ttftFit == null ? Double.NaN : ttft(ttftFit, itlFit, lambda, t0, o, p),
                Double.isFinite(step) ? lambda * (t0 + o * step) : Double.NaN, Math.max(modelled, lambda));
    }

    /**
     * The rate at which the batch reaches {@code running} for the current mix: the {@code λ} with
     * {@code λ·(T₀ + O·itl(λ)) = running} (Little's law along the fitted step time), by bisection. Along
     * {@code λ} rather than through the batch coefficient alone: where batch and prefill grow together the fit
     * may credit either, but their sum along the load is what the data pin down.
     */
    private static double rateFilling(double running, double[] f, double t0, double o, double p) {
        double lo = 0;
        double hi = 1;
        while (hi < 1e6 && hi * (t0 + o * itl(f, hi, t0, o, p)) < running) {
            hi *= 2;
        }
        for (int i = 0; i < 50; i++) {
            double mid = (lo + hi) / 2;
            if (mid * (t0 + o * itl(f, mid, t0, o, p)) < running) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return Math.max(lo, 1e-3);
    }

    /** The fitted step time at rate {@code lambda}: {@code (a + b·λ·T₀) / (1 − b·λ·O − c·λ·P)}, ∞ past the pole. */
    private static double itl(double[] f, double lambda, double t0, double o, double p) {
        double d = 1 - f[1] * lambda * o - f[2] * lambda * p;
        return d <= 0 ? Double.POSITIVE_INFINITY : (f[0] + f[1] * lambda * t0) / d;
    }

    private static double ttft(double[] f, double[] itlFit, double lambda, double t0, double o, double p) {
        double step = itl(itlFit, lambda, t0, o, p);
        if (!Double.isFinite(step)) {
            return Double.POSITIVE_INFINITY;
        }
        double running = lambda * (t0 + o * step);
        return f[0] + f[1] * running + f[2] * lambda * p * step;
    }

    private interface Field {
        double of(Sample s);
    }

    /**
     * Per sample, whether a queue stood at it or within {@link #QUEUE_ECHO} before it: its TTFT is then a queue's
     * wait, not what a replica's load costs a prompt.
     */
    private static boolean[] queueOrEcho(Sample[] all) {
        boolean[] left = new boolean[all.length];
        Instant lastQueue = null;
        for (int i = 0; i < all.length; i++) {
            if (all[i].queued()) {
                lastQueue = all[i].at();
            }
            left[i] = lastQueue != null && !all[i].at().isAfter(lastQueue.plus(QUEUE_ECHO));
        }
        return left;
    }

    /**
     * Per sample, whether the replica was full at it ({@link Sample#saturated()}): its batch then holds what a
     * backlog admitted, not what the arrivals of the moment keep in flight, a regime the load below saturation never
     * reaches. On one line with the readings below it, those step times bent the fit up (and its intercept below
     * zero) until the ITL objective's pole fell below loads the replica had carried: after a long-context start's
     * backlog, 0.67 req/s per replica against the 1.3 it had carried before.
     */
    private static boolean[] saturated(Sample[] all) {
        boolean[] left = new boolean[all.length];
        for (int i = 0; i < all.length; i++) {
            left[i] = all[i].saturated();
        }
        return left;
    }

    private static double[] fit(Sample[] all, double[] w, Field y) {
        return fit(all, w, y, null);
    }

    /**
     * {@code y = a + b·running + c·prefill}, weighted, robust (one refit without residuals beyond 3.5 robust
     * standard deviations), coefficients b and c kept ≥ 0, over the samples {@code leftOut} does not mark (all when
     * it is null). Null when {@code leftOut} leaves too few samples.
     */
    private static double[] fit(Sample[] all, double[] w, Field y, boolean[] leftOut) {
        double[] weights = w.clone();
        int used = 0;
        for (int i = 0; i < all.length; i++) {
            if ((leftOut != null && leftOut[i]) || !Double.isFinite(y.of(all[i]))) {
                weights[i] = 0;
            } else {
                used++;
            }
        }
        if (used < 3) {
            return leftOut != null ? null : new double[] {medianOf(all, y), 0, 0};
        }
        double[] beta = nonNegative(all, weights, y);
        double[] residuals = new double[used];
        int k = 0;
        for (int i = 0; i < all.length; i++) {
            if (weights[i] > 0) {
                residuals[k++] = Math.abs(y.of(all[i]) - predict(beta, all[i]));
            }
        }
        double mad = median(residuals);
        double limit = 3.5 * 1.4826 * Math.max(mad, 1e-6 * Math.abs(beta[0]) + 1e-9);
        boolean trimmed = false;
        for (int i = 0; i < all.length; i++) {
            if (weights[i] > 0 && Math.abs(y.of(all[i]) - predict(beta, all[i])) > limit) {
                weights[i] = 0;
                trimmed = true;
            }
        }
        return trimmed ? nonNegative(all, weights, y) : beta;
    }

    private static double predict(double[] beta, Sample s) {
        return beta[0] + beta[1] * s.running() + beta[2] * s.prefillPerStep();
    }

    /** Least squares with b, c ≥ 0: a negative coefficient is dropped and the rest refitted. */
    private static double[] nonNegative(Sample[] all, double[] w, Field y) {
        boolean[] use = {true, true, true};
        for (int round = 0; round < 3; round++) {
            double[] beta = solve(all, w, y, use);
            boolean ok = true;
            for (int j = 1; j < 3; j++) {
                if (use[j] && beta[j] < 0) {
                    use[j] = false;
                    ok = false;
                }
            }
            if (ok) {
                return beta;
            }
        }
        return solve(all, w, y, use);
    }

    /** Weighted ridge least squares over the features in {@code use} (the intercept always). */
    private static double[] solve(Sample[] all, double[] w, Field y, boolean[] use) {
        double[][] m = new double[3][4];
        for (int i = 0; i < all.length; i++) {
            if (w[i] <= 0) {
                continue;
            }
            double[] x = {1, all[i].running(), all[i].prefillPerStep()};
            double v = y.of(all[i]);
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    m[r][c] += w[i] * x[r] * x[c];
                }
                m[r][3] += w[i] * x[r] * v;
            }
        }
        for (int j = 0; j < 3; j++) {
            if (!use[j]) {
                Arrays.fill(m[j], 0);
                for (int r = 0; r < 3; r++) {
                    m[r][j] = 0;
                }
                m[j][j] = 1;
            } else if (j > 0) {
                m[j][j] += 1e-6 * m[j][j] + 1e-12; // ridge: load and prefill often move together
            }
        }
        for (int col = 0; col < 3; col++) {
            int pivot = col;
            for (int r = col + 1; r < 3; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
                    pivot = r;
                }
            }
            double[] t = m[col];
            m[col] = m[pivot];
            m[pivot] = t;
            if (Math.abs(m[col][col]) < 1e-300) {
                continue;
            }
            for (int r = 0; r < 3; r++) {
                if (r != col) {
                    double f = m[r][col] / m[col][col];
                    for (int c = col; c < 4; c++) {
                        m[r][c] -= f * m[col][c];
                    }
                }
            }
        }
        double[] beta = new double[3];
        for (int j = 0; j < 3; j++) {
            beta[j] = Math.abs(m[j][j]) < 1e-300 || !use[j] ? 0 : m[j][3] / m[j][j];
        }
        return beta;
    }

    private static double recentMedian(Sample[] all, Field f, double fallback, int last) {
        int from = Math.max(0, all.length - last);
        double[] v = new double[all.length - from];
        for (int i = from; i < all.length; i++) {
            v[i - from] = f.of(all[i]);
        }
        double m = median(v);
        return Double.isFinite(m) ? m : fallback;
    }

    /** The median of the finite values of the last {@code last} readings; NaN with none. */
    private static double finiteMedian(Sample[] all, Field f, int last) {
        double[] v = new double[Math.min(last, all.length)];
        int k = 0;
        for (int i = all.length - v.length; i < all.length; i++) {
            double x = f.of(all[i]);
            if (Double.isFinite(x)) {
                v[k++] = x;
            }
        }
        return median(Arrays.copyOf(v, k));
    }

    private static double medianOf(Sample[] all, Field f) {
        double[] v = new double[all.length];
        for (int i = 0; i < all.length; i++) {
            v[i] = f.of(all[i]);
        }
        return median(v);
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }
}
