package dev.headroom.evaluation;

import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineModel;
import dev.headroom.simulator.RequestResult;
import dev.headroom.simulator.SimRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A model of one replica in the manner of llm-d's Workload Variant Autoscaler (WVA): inter-token latency
 * linear in the batch, {@code ITL(b) = α + β·b}, and prefill time linear in it too ({@code γ + δ·b}; WVA writes
 * {@code δ·inputTokens·b}, here the mean prompt is fixed, so its length is folded into {@code δ}), both fitted
 * offline from benchmark runs; then the highest arrival rate per replica at which a queueing model keeps the
 * SLO's latencies, from which WVA sizes a deployment as {@code ceil(arrival rate ÷ max rate)}.
 *
 * <p><b>The benchmark</b> ({@link #fit}) runs the simulated engine itself, before the scenario, at batch sizes
 * 1, 2, 4 … up to the smaller of {@code max_num_seqs} and what 90 % of the KV cache holds at the mix's mean
 * lengths: {@code b} requests of the mean prompt and output lengths kept in flight (each finished one replaced at
 * once, as a fixed-concurrency benchmark does), and the mean TTFT and mean ITL of the requests that finish after
 * a warm-up. These include the prefill chunks that run beside the decodes at that concurrency. α, β and γ, δ are
 * least-squares lines through the points; the prefill time is kept at or above the one measured at batch 1.
 *
 * <p><b>The queueing model</b> ({@link #maxRatePerReplica}) is a state-dependent M/M/1 (a birth–death chain, the
 * kind WVA's queue analyser solves): Poisson arrivals at λ; with {@code n} requests in the replica the batch is
 * {@code k = min(n, N)} ({@code N} the largest batch benchmarked) and requests leave at {@code k ÷ T(k)}, where
 * {@code T(k) = prefill(k) + O · ITL(k)} is a request's time in the batch; requests beyond {@code N} wait. Its
 * stationary distribution (the tail above {@code N} geometric, summed in closed form) gives the mean wait
 * {@code Wq = Lq ÷ λ}, the mean TTFT {@code Wq + prefill} (at the batch an arrival finds) and the token-weighted
 * mean ITL. The max rate is the highest λ (bisection) at which mean TTFT ≤ the SLO's TTFT and mean ITL ≤ the
 * SLO's ITL: WVA's targets are means, so this baseline holds the SLO's thresholds as means, not as the 99 %
 * attainment the run is judged by. Like WVA's model it sees the mean lengths only, not their spread.
 *
 * @param alpha        seconds, ITL intercept
 * @param beta         seconds of ITL per request in the batch
 * @param gamma        seconds, prefill (TTFT once admitted) intercept
 * @param delta        seconds of prefill per request in the batch
 * @param prefillFloor the TTFT measured at batch 1: the least prefill the model allows
 * @param promptTokens the mean prompt length benchmarked
 * @param outputTokens the mean output length benchmarked
 * @param maxBatch     the largest batch benchmarked
 */
record WvaModel(double alpha, double beta, double gamma, double delta, double prefillFloor, int promptTokens,
                int outputTokens, int maxBatch) {

    /** Finished requests measured per slot of concurrency, after one per slot of warm-up. */
    static final int MEASURED_PER_SLOT = 2;

    WvaModel {
        if (!Double.isFinite(alpha) || !Double.isFinite(beta) || !Double.isFinite(gamma) || !Double.isFinite(delta)
                || !(prefillFloor > 0) || maxBatch < 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "a WVA model needs finite α, β, γ, δ and a batch >= 1, was α %s, β %s, γ %s, δ %s, batch %d",
                    alpha, beta, gamma, delta, maxBatch));
        }
    }

    /** The model's inter-token latency at batch {@code b}, never below its value at batch 1. */
    double itl(double b) {
        return Math.max(alpha + beta, alpha + beta * b);
    }

    /** The model's prefill time (to first token, once admitted) at batch {@code b}, never below the floor. */
    double prefill(double b) {
        return Math.max(prefillFloor, gamma + delta * b);
    }

    /** Benchmarks {@code engine} at the mean lengths of {@code mix} and fits the model (see the class comment). */
    static WvaModel fit(EngineConfig engine, List<SimRequest> mix) {
        double p = 0;
        double o = 0;
        for (SimRequest r : mix) {
            p += r.promptTokens();
            o += r.outputTokens();
        }
        int n = Math.max(1, mix.size());
        return fit(engine, (int) Math.max(1, Math.round(p / n)), (int) Math.max(1, Math.round(o / n)));
    }

    static WvaModel fit(EngineConfig engine, int prompt, int output) {
        int promptLen = Math.max(1, Math.min(prompt, engine.maxModelLen() - 1));
        int outputLen = Math.max(1, Math.min(output, engine.maxModelLen() - promptLen));
        long kvTokens = (long) engine.numGpuBlocks() * engine.blockSize();
        int fits = (int) Math.max(1, 0.9 * kvTokens / (promptLen + outputLen));
        int most = Math.max(1, Math.min(engine.maxNumSeqs(), fits));
        List<double[]> itl = new ArrayList<>();
        List<double[]> ttft = new ArrayList<>();
        for (int b = 1; ; b = Math.min(most, b * 2)) {
            double[] m = benchmark(engine, b, promptLen, outputLen);
            ttft.add(new double[] {b, m[0]});
            itl.add(new double[] {b, m[1]});
            if (b == most) {
                break;
            }
        }
        double[] decode = leastSquares(itl);
        double[] prefill = leastSquares(ttft);
        return new WvaModel(decode[0], decode[1], prefill[0], prefill[1], ttft.get(0)[1], promptLen, outputLen, most);
    }

    /**
     * A fixed-concurrency benchmark: {@code b} requests in flight, each one that finishes replaced at once by
     * a new one; after {@code b} finishes of warm-up, the mean TTFT and mean ITL of the next
     * {@value #MEASURED_PER_SLOT} × {@code b} finished requests. {{mean TTFT, mean ITL}}, seconds.
     */
    static double[] benchmark(EngineConfig engine, int b, int prompt, int output) {
        EngineModel model = new EngineModel(engine);
        List<RequestResult> finished = new ArrayList<>();
        model.onFinish(finished::add);
        long id = 0;
        for (; id < b; id++) {
            model.submit(new SimRequest(id, 0, prompt, output));
        }
        double now = 0;
        int seen = 0;
        int wanted = b * (1 + MEASURED_PER_SLOT);
        while (finished.size() < wanted) {
            now += model.schedule(now);
            model.finishStep();
            for (; seen < finished.size(); seen++) {
                model.submit(new SimRequest(id++, now, prompt, output));
            }
        }
        double ttft = 0;
        double itl = 0;
        int itlCount = 0;
        List<RequestResult> measured = finished.subList(b, wanted);
        for (RequestResult r : measured) {
            ttft += r.ttftSeconds();
            double i = r.meanItlSeconds();
            if (!Double.isNaN(i)) {
                itl += i;
                itlCount++;
            }
        }
        return new double[] {ttft / measured.size(), itlCount == 0 ? engine.stepFixedSeconds() : itl / itlCount};
    }

    /** {intercept, slope}; a single point is a flat line through it. */
    private static double[] leastSquares(List<double[]> points) {
        int n = points.size();
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (double[] pt : points) {
            sx += pt[0];
            sy += pt[1];
            sxx += pt[0] * pt[0];
            sxy += pt[0] * pt[1];
        }
        double d = n * sxx - sx * sx;
        if (n < 2 || d == 0) {
            return new double[] {sy / n, 0};
        }
        double slope = (n * sxy - sx * sy) / d;
        return new double[] {(sy - slope * sx) / n, slope};
    }

    /**
     * The highest Poisson rate per replica at which the queueing model's mean TTFT and mean ITL are within
     * {@code slo}'s thresholds.
     *
     * @throws IllegalArgumentException when no rate does: one idle prefill or one idle step alone breaks the SLO
     */
    double maxRatePerReplica(Slo slo) {
        if (prefill(1) > slo.ttftSeconds() || itl(1) > slo.itlSeconds()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "the WVA model finds no rate within the SLO: an idle replica's prefill of %d tokens takes %.2f s"
                            + " (TTFT ≤ %s s) and its ITL is %.1f ms (ITL ≤ %s s)", promptTokens, prefill(1),
                    slo.ttftSeconds(), itl(1) * 1000, slo.itlSeconds()));
        }
        double lo = 0;
        double hi = maxBatch / timeInBatch(maxBatch); // the saturation rate: the chain is stable below it
        for (int i = 0; i < 60; i++) {
            double mid = (lo + hi) / 2;
            double[] m = means(mid);
            if (m[0] <= slo.ttftSeconds() && m[1] <= slo.itlSeconds()) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** A request's time in the batch at batch {@code k}: its prefill and {@code O} decode steps. */
    private double timeInBatch(int k) {
        return prefill(k) + outputTokens * itl(k);
    }

    /** {mean TTFT, token-weighted mean ITL} of the birth–death chain at arrival rate {@code lambda}. */
    double[] means(double lambda) {
        int big = maxBatch;
        double[] logq = new double[big + 1];
        double most = 0;
        for (int n = 1; n <= big; n++) {
            logq[n] = logq[n - 1] + Math.log(lambda * timeInBatch(n) / n);
            most = Math.max(most, logq[n]);
        }
        double r = lambda * timeInBatch(big) / big; // the tail's ratio above N
        if (!(r < 1)) {
            return new double[] {Double.POSITIVE_INFINITY, itl(big)};
        }
        double total = 0;
        double tokens = 0;
        double itlTokens = 0;
        double prefillSeen = 0;
        for (int n = 0; n <= big; n++) {
            double q = Math.exp(logq[n] - most);
            double mass = n == big ? q / (1 - r) : q; // state N carries the whole geometric tail
            total += mass;
            tokens += mass * n;
            itlTokens += mass * n * itl(Math.max(1, n));
            prefillSeen += mass * prefill(Math.min(n + 1, big)); // an arrival sees the time average (PASTA)
        }
        double qN = Math.exp(logq[big] - most);
        double queued = qN * r / ((1 - r) * (1 - r)); // Σ (n − N) q_n over the tail
        double waiting = queued / total / lambda;
        return new double[] {waiting + prefillSeen / total, tokens > 0 ? itlTokens / tokens : itl(1)};
    }

    /** One line for reports. */
    String describe() {
        return String.format(Locale.ROOT, "ITL = %.2f + %.3f × batch ms, TTFT = %.0f + %.2f × batch ms (fitted at"
                + " batches 1–%d, %d/%d tokens)", alpha * 1000, beta * 1000, gamma * 1000, delta * 1000, maxBatch,
                promptTokens, outputTokens);
    }
}
