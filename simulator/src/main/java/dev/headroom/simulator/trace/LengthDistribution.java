package dev.headroom.simulator.trace;

import java.util.SplittableRandom;

/**
 * Token lengths of a synthetic mix: lognormal with a given mean, the usual fit for prompt and output lengths of
 * LLM traffic (published traces show a long right tail and no mass at zero), drawn and rounded to whole tokens,
 * then kept within {@code [min, max]}.
 *
 * <p>Parameterised by the mean {@code m} of the lengths (what a trace's summary reports) and {@code sigma}, the
 * standard deviation of their logarithm: {@code mu = ln(m) − sigma² / 2}, so that {@code E[exp(mu + sigma·Z)] = m}.
 * A {@code sigma} of 0 gives every request the mean. Clipping moves the realised mean slightly (a test bounds it).
 *
 * @param mean  mean length in tokens, finite and ≥ 1
 * @param sigma standard deviation of the log-length, finite and in [0, 3]
 * @param min   smallest length kept, ≥ 1
 * @param max   largest length kept, ≥ {@code min}
 */
public record LengthDistribution(double mean, double sigma, int min, int max) {

    public LengthDistribution {
        if (!(mean >= 1) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException("length mean must be finite and >= 1 token, was " + mean);
        }
        if (!(sigma >= 0) || !(sigma <= 3)) {
            throw new IllegalArgumentException("length sigma must be in [0, 3], was " + sigma);
        }
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("length bounds must satisfy 1 <= min <= max, were " + min + " and " + max);
        }
    }

    /** Lognormal lengths with this mean and log-sigma, at least one token, at most {@code max}. */
    public static LengthDistribution lognormal(double mean, double sigma, int max) {
        return new LengthDistribution(mean, sigma, 1, max);
    }

    /** One length. Uses two draws of {@code random} per call whatever the parameters, so streams stay aligned. */
    public int draw(SplittableRandom random) {
        double z = gaussian(random);
        double mu = Math.log(mean) - sigma * sigma / 2;
        long n = Math.round(Math.exp(mu + sigma * z));
        return (int) Math.max(min, Math.min(max, n));
    }

    /** A standard normal by Box–Muller (one of the pair; the other is dropped to keep draws per call fixed). */
    static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble(); // (0, 1]: log is finite
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** E.g. {@code lognormal mean 2000, σ 0.6}. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "lognormal mean %.0f, σ %.2f", mean, sigma);
    }
}
