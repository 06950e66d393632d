package dev.headroom.simulator.capacity;

import dev.headroom.simulator.EngineConfig;

import java.util.Objects;

/**
 * A model served by one engine replica on {@code gpus} identical GPUs (tensor parallel), with vLLM's memory
 * and scheduler settings: enough to size the KV cache ({@link #memory()}) and to derive a simulated engine
 * ({@link #engineConfig()}) whose step costs come from the hardware.
 *
 * <p>Step costs, per step: the weights are read once ({@code weightBytes ÷ (gpus × bandwidth)}) plus a fixed
 * overhead (scheduling, sampling, launches, tensor-parallel all-reduces); each prefill token costs
 * {@code 2 × parameters} FLOPs over {@code gpus × FLOP/s}; each decode token costs {@code decodeTokenShare} of
 * that, because a decode step is memory-bound and most of its matmuls hide under the weight read (the
 * roofline takes the larger of memory and compute time, a linear model adds them, and the share is what
 * reconciles the two on measurements); each context token the attention reads costs its KV bytes over the
 * aggregate bandwidth. Tensor parallelism is taken as perfectly efficient apart from the overhead term.
 *
 * @param model                 the model
 * @param gpu                   the GPU type
 * @param gpus                  GPUs per replica (tensor parallel size)
 * @param gpuMemoryUtilization  vLLM's {@code --gpu-memory-utilization}
 * @param reservedBytesPerGpu   activation peak and CUDA graphs per GPU (~2 GiB on an H100 for these models)
 * @param stepOverheadSeconds   fixed per-step cost beyond reading the weights
 * @param blockSize             tokens per KV block
 * @param maxNumSeqs            {@code --max-num-seqs}
 * @param maxNumBatchedTokens   {@code --max-num-batched-tokens}
 * @param maxModelLen           {@code --max-model-len}
 * @param decodeTokenShare      a decode token's cost as a share of a prefill token's (1: no overlap)
 */
public record Deployment(ModelShape model, Accelerator gpu, int gpus, double gpuMemoryUtilization,
        long reservedBytesPerGpu, double stepOverheadSeconds, int blockSize, int maxNumSeqs,
        int maxNumBatchedTokens, int maxModelLen, double decodeTokenShare) {

    public static final long GIB = 1L << 30;

    /**
     * A decode token's share of a prefill token's cost, fitted on vLLM's published Llama-3.1-8B tables (5 µs of
     * 34 µs, {@code src/docs/simulator.md}) and carried to other models on the same GPUs unverified.
     */
    public static final double FITTED_DECODE_TOKEN_SHARE = 5.0 / 34.0;

    /** A deployment whose decode tokens cost as much as prefill tokens (no overlap with the weight read). */
    public Deployment(ModelShape model, Accelerator gpu, int gpus, double gpuMemoryUtilization,
            long reservedBytesPerGpu, double stepOverheadSeconds, int blockSize, int maxNumSeqs,
            int maxNumBatchedTokens, int maxModelLen) {
        this(model, gpu, gpus, gpuMemoryUtilization, reservedBytesPerGpu, stepOverheadSeconds, blockSize, maxNumSeqs,
                maxNumBatchedTokens, maxModelLen, 1.0);
    }

    public Deployment {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(gpu, "gpu");
        if (gpus < 1) {
            throw new IllegalArgumentException("Deployment.gpus must be >= 1, was " + gpus);
        }
        if (!(gpuMemoryUtilization > 0 && gpuMemoryUtilization <= 1)) {
            throw new IllegalArgumentException("Deployment.gpuMemoryUtilization must be in (0, 1], was "
                    + gpuMemoryUtilization);
        }
        if (reservedBytesPerGpu < 0) {
            throw new IllegalArgumentException("Deployment.reservedBytesPerGpu must be >= 0, was "
                    + reservedBytesPerGpu);
        }
        if (!(stepOverheadSeconds >= 0) || !Double.isFinite(stepOverheadSeconds)) {
            throw new IllegalArgumentException("Deployment.stepOverheadSeconds must be finite and >= 0, was "
                    + stepOverheadSeconds);
        }
        if (blockSize < 1 || maxNumSeqs < 1 || maxNumBatchedTokens < 1 || maxModelLen < 2) {
            throw new IllegalArgumentException("Deployment blockSize, maxNumSeqs, maxNumBatchedTokens must be >= 1"
                    + " and maxModelLen >= 2, were " + blockSize + ", " + maxNumSeqs + ", " + maxNumBatchedTokens
                    + ", " + maxModelLen);
        }
        if (!(decodeTokenShare > 0 && decodeTokenShare <= 1)) {
            throw new IllegalArgumentException("Deployment.decodeTokenShare must be in (0, 1], was " + decodeTokenShare);
        }
    }

    /**
     * Llama-3.1-8B on one H100 80GB: the deployment {@code EngineConfig.llama31_8bH100()} was derived from, with
     * the 2 ms of per-step overhead and the decode share fitted on published tables.
     */
    public static Deployment llama31_8bOnH100() {
        return new Deployment(ModelShape.llama31_8b(), Accelerator.h100Sxm80(), 1, 0.9, 2 * GIB, 0.002, 16, 256,
                8192, 131_072, FITTED_DECODE_TOKEN_SHARE);
    }

    /**
     * Llama-3.1-70B on four H100 80GB with tensor parallelism 4, one replica: 141.2 GB of weights over 4 × 2.68
     * TB/s = 13.2 ms per step, plus 3 ms for scheduling and 160 all-reduces (two per layer) over NVLink.
     */
    public static Deployment llama31_70bOn4xH100() {
        return new Deployment(ModelShape.llama31_70b(), Accelerator.h100Sxm80(), 4, 0.9, 2 * GIB, 0.003, 16, 256,
                8192, 131_072, FITTED_DECODE_TOKEN_SHARE);
    }

    /** The KV cache this deployment gets. */
    public MemoryPlan memory() {
        long kvPerToken = model.kvBytesPerToken();
        long weights = model.weightBytes();
        long budget = (long) Math.floor((double) gpu.memoryBytes() * gpus * gpuMemoryUtilization);
        long reserved = reservedBytesPerGpu * gpus;
        double weightsExact = model.parameters() * model.dtypeBytes();
        if (weightsExact + reserved >= budget) {
            // Said in gigabytes: a weight count beyond any GPU's memory would read as a 19-digit subtraction.
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "%s on %d × %s leaves no KV cache:"
                    + " its weights (%.4g GB) and the reserved %.3g GB do not fit the memory budget of %.4g GB (%d GPU(s)"
                    + " × %.4g GB × gpu-memory-utilization %.2f)", model.name(), gpus, gpu.name(), weightsExact / 1e9,
                    reserved / 1e9, budget / 1e9, gpus, gpu.memoryBytes() / 1e9, gpuMemoryUtilization));
        }
        long pool = budget - weights - reserved;
        if (pool < (long) blockSize * kvPerToken) {
            throw new IllegalArgumentException(model.name() + " on " + gpus + " × " + gpu.name() + " leaves no KV cache:"
                    + " budget " + budget + " B − weights " + weights + " B − reserved " + reserved + " B = " + pool
                    + " B, less than one block of " + blockSize + " tokens × " + kvPerToken + " B");
        }
        long blocks = pool / kvPerToken / blockSize;
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("KV cache of " + blocks + " blocks is beyond the engine's range");
        }
        return new MemoryPlan(kvPerToken, weights, budget, reserved, pool, blocks * blockSize, (int) blocks);
    }

    /** A simulated engine for this deployment ({@code maxModelLen} capped at the KV capacity, as vLLM requires). */
    public EngineConfig engineConfig() {
        MemoryPlan m = memory();
        double bandwidth = gpu.bandwidthBytesPerSecond() * gpus;
        double fixed = m.weightBytes() / bandwidth + stepOverheadSeconds;
        double perPrefill = 2 * model.parameters() / (gpu.flopsPerSecond() * gpus);
        double perContext = m.kvBytesPerToken() / bandwidth;
        int maxLen = (int) Math.min(maxModelLen, m.kvTokens());
        return new EngineConfig(model.name(), blockSize, m.kvBlocks(), maxNumSeqs, maxNumBatchedTokens, maxLen,
                fixed, decodeTokenShare * perPrefill, perPrefill, perContext, gpuMemoryUtilization,
                gpu.memoryBytes() * (long) gpus);
    }
}
