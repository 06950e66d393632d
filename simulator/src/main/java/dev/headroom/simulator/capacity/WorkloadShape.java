package dev.headroom.simulator.capacity;

/** A workload's mean request: prompt and output tokens. */
public record WorkloadShape(double meanPromptTokens, double meanOutputTokens) {

    public WorkloadShape {
        if (!(meanPromptTokens >= 1) || !Double.isFinite(meanPromptTokens)) {
            throw new IllegalArgumentException("WorkloadShape.meanPromptTokens must be finite and >= 1, was "
                    + meanPromptTokens);
        }
        if (!(meanOutputTokens >= 1) || !Double.isFinite(meanOutputTokens)) {
            throw new IllegalArgumentException("WorkloadShape.meanOutputTokens must be finite and >= 1, was "
                    + meanOutputTokens);
        }
    }
}
