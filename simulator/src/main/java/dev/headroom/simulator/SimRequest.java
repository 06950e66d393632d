package dev.headroom.simulator;

/**
 * One request as the engine sees it: when it arrived, how long its prompt is and how many tokens it will
 * generate (the simulator always generates exactly {@code outputTokens}, as with {@code ignore_eos}).
 */
public record SimRequest(long id, double arrivalSeconds, int promptTokens, int outputTokens) {

    public SimRequest {
        if (!Double.isFinite(arrivalSeconds) || arrivalSeconds < 0) {
            throw new IllegalArgumentException("SimRequest " + id + ": arrivalSeconds must be finite and >= 0, was "
                    + arrivalSeconds);
        }
        if (promptTokens < 1) {
            throw new IllegalArgumentException("SimRequest " + id + ": promptTokens must be >= 1, was " + promptTokens);
        }
        if (outputTokens < 1) {
            throw new IllegalArgumentException("SimRequest " + id + ": outputTokens must be >= 1, was " + outputTokens);
        }
    }

    public int totalTokens() {
        return promptTokens + outputTokens;
    }
}
