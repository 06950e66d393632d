package dev.headroom.agent.cli;

import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;
import dev.headroom.evaluation.Contender;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.LengthRange;
import dev.headroom.simulator.capacity.Accelerator;
import dev.headroom.simulator.capacity.CapacityEstimate;
import dev.headroom.simulator.capacity.CapacityEstimator;
import dev.headroom.simulator.capacity.Deployment;
import dev.headroom.simulator.capacity.MemoryPlan;
import dev.headroom.simulator.capacity.ModelShape;
import dev.headroom.simulator.capacity.SaturationProbe;
import dev.headroom.simulator.capacity.WorkloadShape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code headroom capacity}: one replica's KV cache, concurrency and sustainable rate from a model's shape. */
@Command(name = "capacity", mixinStandardHelpOptions = true,
        description = {"Estimate one replica's KV cache, concurrent requests and sustainable requests/s",
                "from the model's shape, the GPU and the workload's mean lengths",
                "(KV bytes per token = 2 × layers × KV heads × head dim × dtype bytes).",
                "A preset fills every model and GPU field; explicit flags override it.",
                "--check measures the same engine's saturation point in the simulator."})
public class CapacityCommand implements Callable<Integer> {

    private static final double KV_DEFAULT = SaturationTargets.defaults().get(Signal.KV_UTILIZATION).orElseThrow();

    @Option(names = "--preset", defaultValue = "llama-3.1-8b-h100",
            description = "llama-3.1-8b-h100, llama-3.1-70b-4xh100 or qwen2.5-7b-h100. Default: ${DEFAULT-VALUE}")
    String preset;

    @Option(names = "--layers", description = "Decoder layers (num_hidden_layers)")
    Integer layers;

    @Option(names = "--kv-heads", description = "Key/value heads (num_key_value_heads)")
    Integer kvHeads;

    @Option(names = "--head-dim", description = "Dimension per head")
    Integer headDim;

    @Option(names = "--dtype", description = "fp32, bf16, fp16, fp8 or int8 (bytes per weight and cached value)")
    String dtype;

    @Option(names = "--params", description = "Parameter count, e.g. 8.03e9")
    Double params;

    @Option(names = "--weights-bytes", description = "Weight bytes instead of --params (params = bytes ÷ dtype bytes)")
    Double weightsBytes;

    @Option(names = "--gpus", description = "GPUs per replica (tensor parallel size)")
    Integer gpus;

    @Option(names = "--gpu-memory-gib", description = "Memory per GPU in GiB (an H100 80GB shows 79.65 GiB)")
    Double gpuMemoryGib;

    @Option(names = "--gpu-memory-utilization", description = "vLLM's --gpu-memory-utilization")
    Double gpuMemoryUtilization;

    @Option(names = "--bandwidth-tbps", description = "Memory bandwidth reached per GPU, TB/s (H100: 2.68)")
    Double bandwidthTbps;

    @Option(names = "--tflops", description = "Dense matmul throughput reached per GPU, TFLOP/s (H100 BF16: 600)")
    Double tflops;

    @Option(names = "--max-num-seqs", description = "vLLM's --max-num-seqs")
    Integer maxNumSeqs;

    @Option(names = "--prompt-tokens", defaultValue = "1100", description = "Mean prompt tokens. Default: ${DEFAULT-VALUE}")
    double promptTokens;

    @Option(names = "--output-tokens", defaultValue = "200", description = "Mean output tokens. Default: ${DEFAULT-VALUE}")
    double outputTokens;

    @Option(names = "--check", description = "Also measure the saturation point in the simulator (Poisson arrivals,"
            + " rates 0.8–1.25 × the estimate, 600 s each, lengths uniform around the means)")
    boolean check;

    @Option(names = "--seed", defaultValue = "11", description = "Seed of --check's arrivals. Default: ${DEFAULT-VALUE}")
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Deployment deployment;
        WorkloadShape workload;
        try {
            deployment = deployment();
            workload = new WorkloadShape(promptTokens, outputTokens);
            deployment.memory();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        MemoryPlan m = deployment.memory();
        EngineConfig engine = deployment.engineConfig();
        CapacityEstimate c = CapacityEstimator.estimate(engine, workload);
        PrintWriter out = spec.commandLine().getOut();
        ModelShape model = deployment.model();
        out.printf(Locale.ROOT, "%s: %d layers, %d KV heads × %d, %d-byte dtype, %.3g parameters, on %d × %s%n",
                model.name(), model.layers(), model.kvHeads(), model.headDim(), model.dtypeBytes(), model.parameters(),
                deployment.gpus(), deployment.gpu().name());
        out.printf(Locale.ROOT, "KV bytes per token      %,d%n", m.kvBytesPerToken());
        out.printf(Locale.ROOT, "weights                 %.2f GB%n", m.weightBytes() / 1e9);
        out.printf(Locale.ROOT, "KV pool                 %.2f GB%n", m.kvPoolBytes() / 1e9);
        out.printf(Locale.ROOT, "KV tokens               %,d (%,d blocks)%n", m.kvTokens(), m.kvBlocks());
        out.printf(Locale.ROOT, "workload                prompt %.0f, output %.0f tokens (mean)%n", promptTokens, outputTokens);
        out.printf(Locale.ROOT, "concurrent requests     %.1f (limited by %s; KV alone %.1f)%n", c.concurrency(),
                c.limitedBy().name().toLowerCase(Locale.ROOT), c.kvConcurrency());
        out.printf(Locale.ROOT, "sustainable rate        %.2f req/s (%.0f output tokens/s, %.1f ms per step)%n",
                c.requestsPerSecond(), c.outputTokensPerSecond(), c.stepSeconds() * 1000);
        double kvAtLimit = Math.min(1, c.concurrency() / c.kvConcurrency());
        if (c.limitedBy() != CapacityEstimate.Limit.KV_CACHE) {
            out.printf(Locale.ROOT, "KV at the batch limit   %.2f%s%n", kvAtLimit, kvAtLimit < KV_DEFAULT
                    ? String.format(Locale.ROOT, " (never reaches the default kv_utilization target %.2f: set a rate"
                            + " target)", KV_DEFAULT) : "");
        }
        out.printf(Locale.ROOT, "suggested target        arrivals_ps %.2f per replica (%.2f × the sustainable rate)%n",
                Contender.RATE_TARGET_SHARE * c.requestsPerSecond(), Contender.RATE_TARGET_SHARE);
        out.printf(Locale.ROOT, "                        with spec.forecast.leadTimeSeconds = cold start + one decision"
                + " interval (src/docs/policy.md)%n");
        if (check) {
            double r = c.requestsPerSecond();
            SaturationProbe.Measurement probe = SaturationProbe.measure(engine, around(promptTokens), around(outputTokens),
                    0.8 * r, 1.25 * r, 0.05 * r, 600, seed);
            double ratio = r / probe.servedRate();
            out.printf(Locale.ROOT, "simulator: served at most %.2f req/s; queue first grew at %.2f req/s;"
                    + " estimate ÷ measured = %.3f (%s)%n", probe.servedRate(), probe.firstGrowingRate(), ratio,
                    Math.abs(ratio - 1) <= 0.10 ? "within 10 %" : "outside 10 %");
        }
        return 0;
    }

    /** Uniform lengths with the given mean: [0.2 × mean, 1.8 × mean]. */
    private static LengthRange around(double mean) {
        int lo = (int) Math.max(1, Math.round(0.2 * mean));
        int hi = (int) Math.max(lo, Math.round(2 * mean - lo));
        return new LengthRange(lo, hi);
    }

    private Deployment deployment() {
        Deployment base = switch (preset) {
            case "llama-3.1-8b-h100" -> Deployment.llama31_8bOnH100();
            case "llama-3.1-70b-4xh100" -> Deployment.llama31_70bOn4xH100();
            case "qwen2.5-7b-h100" -> new Deployment(ModelShape.qwen25_7b(), Accelerator.h100Sxm80(), 1, 0.9,
                    2 * Deployment.GIB, 0.001, 16, 256, 8192, 131_072);
            default -> throw new ParameterException(spec.commandLine(), "unknown --preset '" + preset
                    + "': expected llama-3.1-8b-h100, llama-3.1-70b-4xh100 or qwen2.5-7b-h100");
        };
        ModelShape m = base.model();
        int dtypeBytes = dtype == null ? m.dtypeBytes() : dtypeBytes(dtype);
        double parameters = params != null ? params
                : weightsBytes != null ? weightsBytes / dtypeBytes : m.parameters();
        boolean custom = layers != null || kvHeads != null || headDim != null || dtype != null || params != null
                || weightsBytes != null;
        ModelShape model = new ModelShape(custom ? "custom model" : m.name(), parameters,
                layers != null ? layers : m.layers(), kvHeads != null ? kvHeads : m.kvHeads(),
                headDim != null ? headDim : m.headDim(), dtypeBytes);
        Accelerator g = base.gpu();
        Accelerator gpu = new Accelerator(g.name(),
                gpuMemoryGib != null ? Math.round(gpuMemoryGib * Deployment.GIB) : g.memoryBytes(),
                bandwidthTbps != null ? bandwidthTbps * 1e12 : g.bandwidthBytesPerSecond(),
                tflops != null ? tflops * 1e12 : g.flopsPerSecond());
        return new Deployment(model, gpu, gpus != null ? gpus : base.gpus(),
                gpuMemoryUtilization != null ? gpuMemoryUtilization : base.gpuMemoryUtilization(),
                base.reservedBytesPerGpu(), base.stepOverheadSeconds(), base.blockSize(),
                maxNumSeqs != null ? maxNumSeqs : base.maxNumSeqs(), base.maxNumBatchedTokens(), base.maxModelLen());
    }

    private int dtypeBytes(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "fp32", "float32" -> 4;
            case "bf16", "fp16", "float16", "bfloat16" -> 2;
            case "fp8", "int8" -> 1;
            default -> throw new ParameterException(spec.commandLine(), "unknown --dtype '" + name
                    + "': expected fp32, bf16, fp16, fp8 or int8");
        };
    }
}
