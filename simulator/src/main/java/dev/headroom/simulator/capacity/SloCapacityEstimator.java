package dev.headroom.simulator.capacity;

import dev.headroom.simulator.EngineConfig;

import java.util.Locale;

/**
 * The rate one replica sustains within a TTFT and ITL objective, in closed form, chunked-prefill interference
 * included.
 *
 * <p><b>Why not the saturation rate.</b> {@link CapacityEstimator} gives the rate beyond which the queue grows;
 * latency objectives break below it. On a prefill-heavy mix (2,000 in / 30 out) most steps carry a prefill
 * chunk, and a step with a full 8,192-token chunk lasts ≈ 0.29 s: every request decoding beside it waits that
 * long for its next token. Sarathi-Serve (Agrawal et al., OSDI 2024) names this the prefill–decode interference
 * that chunking bounds but does not remove. llm-d's Workload Variant Autoscaler fits {@code ITL = α + β·batch}
 * and derives a rate from an SLO with a queueing model; its notes say the fit ignores sequence length. Here the
 * step model is the engine's own ({@code step = f + a·decodes + b·prefill + c·context}), so prompt length enters
 * through the prefill and context terms.
 *
 * <p><b>Mean ITL.</b> Busy, the engine runs steps back to back. At rate λ each request brings variable work
 * {@code w = b·P + a·(O − 1) + c·(P + (O − 1)(P + O/2))} (its prefill, its decode tokens and the context they
 * read), so in one second λ·w is variable work and the rest is {@code f} per step: {@code 1 = λ·w + f ÷ d}, i.e.
 * the mean step is {@code d = f ÷ (1 − λ·w)}; the same identity gives {@link CapacityEstimator}'s step at
 * saturation, {@code d = C ÷ (λ·O)}. A decoding request sees every step while it runs, long prefill steps
 * included, but the mean over <i>requests</i> is not the mean step: requests are prefilled in proportion to a
 * step's prefill work, and the steps after a heavy one are heavy too (what arrived during a long step is
 * prefilled in the next), so decoders crowd into bursts. With the prefill work per step as a first-order
 * autoregression — {@code X' = ρ_p·(d₀ + X) + ε}, ρ_p = λ·(b + c)·P the prefill load, ε the Poisson arrivals'
 * work — the request-weighted mean of the O − 1 steps after a request's prefill exceeds the step mean by
 * {@code w_p·(1 + cv²) ÷ (1 − ρ_p²) × ρ_p·(1 − ρ_p^(O−1)) ÷ ((1 − ρ_p)·(O − 1))}, w_p a prompt's prefill work,
 * cv² its variation. The term matters when outputs are short and prefill load high (prefill-heavy mixes) and
 * vanishes for long outputs. The estimate also adds a lone decode's own token and context
 * ({@code a + c·(P + O/2)}).
 *
 * <p><b>TTFT.</b> A prompt waits for the prompts ahead of it (FCFS), then is prefilled in
 * {@code k = ⌈p ÷ (N − B)⌉} chunks, each a step also carrying the B running decodes. The wait is an M/G/1
 * queue (Pollaczek–Khinchine) whose server is the engine at its saturation rate λ_sat: ρ = λ ÷ λ_sat, mean
 * service 1 ÷ λ_sat, service variation that of the prompts; its quantile uses the exponential tail of the
 * M/G/1 wait ({@code P(W > t) ≈ ρ·e^(−ρt ÷ E[W])}, Kingman's heavy-traffic form). Prompt lengths are taken as
 * uniform over ±{@value #LENGTH_SPREAD} × the mean, as {@code ./headroom capacity --check} and
 * {@link SloProbe} draw them. TTFT at the quantile is the larger of a long prompt's prefill alone and the
 * queue's quantile plus a mean prompt's prefill, plus half a step for the step in flight.
 *
 * <p><b>No rate.</b> When a lone request already breaks the objective (its prompt's prefill alone exceeds the
 * TTFT bound, or one decode step exceeds the ITL bound), no number of replicas helps; the answer says so and
 * why, instead of a tiny rate. Agreement with the simulator ({@link SloProbe}): {@code src/docs/capacity.md}.
 */
public final class SloCapacityEstimator {

    /** Prompt lengths are taken as uniform over [1 − spread, 1 + spread] × the mean. */
    public static final double LENGTH_SPREAD = 0.8;

    private SloCapacityEstimator() {
    }

    /** The SLO capacity of {@code engine} for a workload's mean lengths. */
    public static SloCapacity estimate(EngineConfig engine, WorkloadShape workload, LatencyObjective slo) {
        if (workload.meanPromptTokens() + workload.meanOutputTokens() > engine.maxModelLen()) {
            return new SloCapacity(Double.NaN, SloCapacity.Binding.INFEASIBLE, Double.NaN, Double.NaN, 0,
                    String.format(Locale.ROOT, "a mean request of %.0f prompt + %.0f output tokens is longer than the"
                            + " engine's context of %d tokens (max_model_len): the engine rejects it",
                            workload.meanPromptTokens(), workload.meanOutputTokens(), engine.maxModelLen()));
        }
        Model m = new Model(engine, workload, slo.ttftQuantile());
        double itlAlone = m.itl(0);
        double ttftAlone = m.ttft(0);
        if (itlAlone > slo.itlSeconds()) {
            return new SloCapacity(Double.NaN, SloCapacity.Binding.INFEASIBLE, ttftAlone, itlAlone, m.saturation,
                    String.format(Locale.ROOT, "one decode step of a lone request takes %.1f ms (%.1f ms fixed + its"
                            + " %.0f tokens of context), over the ITL objective of %.1f ms", itlAlone * 1e3,
                            engine.stepFixedSeconds() * 1e3, m.p + m.o / 2, slo.itlSeconds() * 1e3));
        }
        if (ttftAlone > slo.ttftSeconds()) {
            double p = m.promptAtQuantile;
            return new SloCapacity(Double.NaN, SloCapacity.Binding.INFEASIBLE, ttftAlone, itlAlone, m.saturation,
                    String.format(Locale.ROOT, "a %.0f-token prompt (the p%.0f of prompts around %.0f) alone takes"
                            + " %.2f s to prefill in %d chunk(s) of at most %d tokens, over the TTFT objective of"
                            + " %.2f s", p, slo.ttftQuantile() * 100, m.p, ttftAlone,
                            (int) Math.ceil(p / engine.maxNumBatchedTokens()), engine.maxNumBatchedTokens(),
                            slo.ttftSeconds()));
        }
        double itlRate = highestRate(m.saturation, rate -> m.itl(rate) <= slo.itlSeconds());
        double ttftRate = highestRate(m.saturation, rate -> m.ttft(rate) <= slo.ttftSeconds());
        SloCapacity.Binding binding = itlRate < ttftRate ? SloCapacity.Binding.ITL : SloCapacity.Binding.TTFT;
        double rate = Math.min(itlRate, ttftRate);
        return new SloCapacity(rate, binding, m.ttft(rate), m.itl(rate), m.saturation, "");
    }

    /** Bisects for the highest rate in (0, upper) that {@code meets}, which is monotone in the rate. */
    private static double highestRate(double upper, java.util.function.DoublePredicate meets) {
        double lo = 0;
        double hi = upper;
        for (int i = 0; i < 60; i++) {
            double mid = (lo + hi) / 2;
            if (meets.test(mid)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The mean over requests of their mean ITL at rate λ, for a workload; exposed for the CLI and tests. */
    public static double meanItlSeconds(EngineConfig engine, WorkloadShape workload, double rate) {
        return new Model(engine, workload, 0.5).itl(rate);
    }

    /** The TTFT quantile at rate λ, for a workload; exposed for the CLI and tests. */
    public static double ttftSeconds(EngineConfig engine, WorkloadShape workload, double quantile, double rate) {
        return new Model(engine, workload, quantile).ttft(rate);
    }

    /** The arithmetic above, for one engine, workload and quantile. */
    private static final class Model {
        final EngineConfig e;
        final double p;
        final double o;
        final double q;
        final double work;
        final double prefillWork;
        final double loneExtra;
        final double saturation;
        final double concurrency;
        final double promptAtQuantile;
        final double promptCv2;

        Model(EngineConfig e, WorkloadShape w, double quantile) {
            this.e = e;
            this.p = w.meanPromptTokens();
            this.o = w.meanOutputTokens();
            this.q = quantile;
            this.work = e.perPrefillTokenSeconds() * p + e.perBatchedTokenSeconds() * (o - 1)
                    + e.perContextTokenSeconds() * (p + (o - 1) * (p + o / 2));
            this.prefillWork = (e.perPrefillTokenSeconds() + e.perContextTokenSeconds()) * p;
            this.loneExtra = e.perBatchedTokenSeconds() + e.perContextTokenSeconds() * (p + o / 2);
            CapacityEstimate sat = CapacityEstimator.estimate(e, w);
            this.saturation = sat.requestsPerSecond();
            this.concurrency = sat.concurrency();
            // No longer than the engine accepts beside the mean output: a longer prompt is rejected, not served.
            this.promptAtQuantile = Math.max(1, Math.min(p * (1 - LENGTH_SPREAD + 2 * LENGTH_SPREAD * quantile),
                    e.maxModelLen() - o));
            this.promptCv2 = LENGTH_SPREAD * LENGTH_SPREAD / 3;
        }

        /** Mean step while busy, f ÷ (1 − λw), plus a lone decode's own cost, plus the burst term. */
        double itl(double rate) {
            double busy = 1 - rate * work;
            double rhoP = rate * prefillWork;
            if (busy <= 0 || rhoP >= 1) {
                return Double.POSITIVE_INFINITY;
            }
            double meanStep = e.stepFixedSeconds() / busy + loneExtra;
            if (rhoP <= 0 || o <= 1) {
                return meanStep;
            }
            double decodes = o - 1;
            double burst = prefillWork * (1 + promptCv2) / (1 - rhoP * rhoP)
                    * rhoP * (1 - Math.pow(rhoP, decodes)) / ((1 - rhoP) * decodes);
            return meanStep + burst;
        }

        /** Decodes running at rate λ: λ × (O − 1) × the mean step, at most the saturation concurrency. */
        double batch(double rate) {
            double d = itl(rate);
            return Double.isFinite(d) ? Math.min(concurrency, rate * (o - 1) * d) : concurrency;
        }

        /** A prompt's prefill: k chunks, each a step with B decodes, plus its own tokens and their context. */
        double prefill(double prompt, double rate) {
            double b = batch(rate);
            double budget = Math.max(1, e.maxNumBatchedTokens() - b);
            double chunks = Math.ceil(prompt / budget);
            double decodeStep = e.stepFixedSeconds() + e.perBatchedTokenSeconds() * b
                    + e.perContextTokenSeconds() * b * (p + o / 2);
            return chunks * decodeStep + (e.perPrefillTokenSeconds() + e.perContextTokenSeconds()) * prompt
                    + e.perContextTokenSeconds() * budget * chunks * (chunks - 1) / 2;
        }

        /** The TTFT quantile at rate λ: the queue's M/G/1 wait at that quantile, the prefill, half a step. */
        double ttft(double rate) {
            double rho = rate / saturation;
            if (rho >= 1) {
                return Double.POSITIVE_INFINITY;
            }
            double service = 1 / saturation;
            double meanWait = rho * service * (1 + promptCv2) / (2 * (1 - rho));
            double tail = 1 - q;
            double waitAtQuantile = rho > tail ? meanWait / rho * Math.log(rho / tail) : 0;
            double halfStep = rate > 0 ? itl(rate) / 2 : 0;
            return Math.max(prefill(promptAtQuantile, rate), waitAtQuantile + prefill(p, rate)) + halfStep;
        }
    }
}
