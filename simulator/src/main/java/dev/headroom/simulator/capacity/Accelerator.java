package dev.headroom.simulator.capacity;

/**
 * One GPU as the step-cost model sees it.
 *
 * @param name               a label
 * @param memoryBytes        total memory as {@code nvidia-smi} reports it
 * @param bandwidthBytesPerSecond memory bandwidth actually reached (a share of the datasheet figure)
 * @param flopsPerSecond     dense matmul throughput actually reached at the serving dtype
 */
public record Accelerator(String name, long memoryBytes, double bandwidthBytesPerSecond, double flopsPerSecond) {

    public Accelerator {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Accelerator.name must not be blank");
        }
        if (memoryBytes <= 0) {
            throw new IllegalArgumentException("Accelerator.memoryBytes must be > 0, was " + memoryBytes);
        }
        if (!(bandwidthBytesPerSecond > 0) || !(flopsPerSecond > 0)
                || !Double.isFinite(bandwidthBytesPerSecond) || !Double.isFinite(flopsPerSecond)) {
            throw new IllegalArgumentException("Accelerator bandwidth and FLOP/s must be finite and > 0, were "
                    + bandwidthBytesPerSecond + " and " + flopsPerSecond);
        }
    }

    /**
     * H100 80GB SXM: 81,559 MiB as {@code nvidia-smi} shows it, ~80% of 3.35 TB/s (2.68 TB/s) and 472 TFLOP/s
     * (48 % of its 989 dense BF16 peak) in prefill — the figures behind {@code EngineConfig.llama31_8bH100()}. The
     * FLOP/s is fitted, not assumed: 34 µs per prefill token of Llama-3.1-8B is what vLLM's published tables ask
     * for ({@code src/docs/simulator.md}, "Checked against published tables").
     */
    public static Accelerator h100Sxm80() {
        return new Accelerator("NVIDIA H100 80GB HBM3", 85_520_809_984L, 2.68e12, 472e12);
    }
}
