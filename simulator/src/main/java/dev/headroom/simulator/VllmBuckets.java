package dev.headroom.simulator;

/**
 * vLLM V1's histogram bucket boundaries ({@code vllm/v1/metrics/loggers.py}), as a real vLLM 0.10 scrape
 * exposes them; the test suite checks them against that scrape.
 */
public final class VllmBuckets {

    /** {@code vllm:time_to_first_token_seconds}. */
    public static final double[] TIME_TO_FIRST_TOKEN = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5,
        0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0};

    /**
     * {@code vllm:inter_token_latency_seconds}, the 0.10.2+ name of {@code vllm:time_per_output_token_seconds};
     * both use these bounds.
     */
    public static final double[] INTER_TOKEN_LATENCY = {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5,
        0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0};

    /** End-to-end, queue, inference, prefill and decode times: vLLM's request-latency buckets. */
    public static final double[] REQUEST_LATENCY = {0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0,
        40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0};

    private VllmBuckets() {
    }

    /**
     * vLLM's {@code build_1_2_5_buckets(max_value)}: 1, 2, 5, 10, 20, 50, … up to and including
     * {@code maxValue}; used for the per-request token-count histograms with {@code max_model_len}.
     */
    public static double[] oneTwoFive(long maxValue) {
        double[] tmp = new double[64];
        int n = 0;
        long exponent = 1;
        int[] mantissa = {1, 2, 5};
        outer:
        while (true) {
            for (int m : mantissa) {
                long v = m * exponent;
                if (v > maxValue) {
                    break outer;
                }
                tmp[n++] = v;
            }
            exponent *= 10;
        }
        double[] out = new double[n];
        System.arraycopy(tmp, 0, out, 0, n);
        return out;
    }
}
