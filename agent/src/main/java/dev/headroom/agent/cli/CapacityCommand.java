package dev.headroom.agent.cli;

import dev.headroom.signals.SaturationTargets;
import dev.headroom.signals.Signal;
import dev.headroom.evaluation.Contender;
import dev.headroom.evaluation.Numbers;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.LengthRange;
import dev.headroom.simulator.capacity.Accelerator;
import dev.headroom.simulator.capacity.CapacityEstimate;
import dev.headroom.simulator.capacity.CapacityEstimator;
import dev.headroom.simulator.capacity.Deployment;
import dev.headroom.simulator.capacity.MemoryPlan;
import dev.headroom.simulator.capacity.ModelShape;
import dev.headroom.simulator.capacity.LatencyObjective;
import dev.headroom.simulator.capacity.SaturationProbe;
import dev.headroom.simulator.capacity.SloCapacity;
import dev.headroom.simulator.capacity.SloCapacityEstimator;
import dev.headroom.simulator.capacity.SloProbe;
import dev.headroom.simulator.capacity.WorkloadShape;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code headroom capacity}: one replica's KV cache, concurrency, saturation rate and the rate it sustains within
 * a TTFT and ITL objective, from a model's shape. The arithmetic lives in {@code simulator/.../capacity}; this
 * class only reads options and prints.
 */
@Command(name = "capacity", mixinStandardHelpOptions = true,
        description = {"Estimate one replica's KV cache, concurrent requests, saturation rate and the rate it sustains"
                        + " within a TTFT and ITL objective (chunked-prefill interference included), from the model's"
                        + " shape, the GPU and the workload's mean lengths (KV bytes per token = 2 × layers × KV heads"
                        + " × head dim × dtype bytes).",
                "A preset fills every model and GPU field; explicit flags override it. --check measures the same"
                        + " engine's saturation point and SLO rate in the simulator."})
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

    @Option(names = "--ttft-p95", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "TTFT objective at p95, queueing included. Default: ${DEFAULT-VALUE}")
    Duration ttftP95;

    @Option(names = "--itl-mean", paramLabel = "DURATION", defaultValue = "100ms", converter = DurationConverter.class,
            description = "Objective on mean inter-token latency (vLLM's mean TPOT). Default: ${DEFAULT-VALUE}")
    Duration itlMean;

    @Option(names = {"-o", "--output"}, paramLabel = "text|json", defaultValue = "text",
            description = "text, or json: one JSON object. Default: ${DEFAULT-VALUE}")
    String output;

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
        if (!output.equals("text") && !output.equals("json")) {
            throw new ParameterException(spec.commandLine(), "unknown --output '" + output + "': expected text or json");
        }
        LatencyObjective slo;
        try {
            slo = new LatencyObjective(seconds(ttftP95), 0.95, seconds(itlMean));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        MemoryPlan m = deployment.memory();
        EngineConfig engine = deployment.engineConfig();
        if (promptTokens + outputTokens > engine.maxModelLen()) {
            // Every figure below would describe a request the engine refuses to start.
            throw new ParameterException(spec.commandLine(), String.format(Locale.ROOT, "a mean request of %.0f prompt"
                    + " + %.0f output tokens is longer than the engine's context of %,d tokens (max_model_len, at most"
                    + " the KV cache's tokens): the engine rejects it", promptTokens, outputTokens, engine.maxModelLen()));
        }
        CapacityEstimate c = CapacityEstimator.estimate(engine, workload);
        SloCapacity sloCapacity = SloCapacityEstimator.estimate(engine, workload, slo);
        double suggested = sloCapacity.feasible()
                ? Math.min(sloCapacity.requestsPerSecond(), Contender.RATE_TARGET_SHARE * c.requestsPerSecond())
                : Double.NaN;
        SaturationProbe.Measurement probe = null;
        SloProbe.Measurement sloProbe = null;
        if (check) {
            double r = c.requestsPerSecond();
            probe = SaturationProbe.measure(engine, around(promptTokens), around(outputTokens), 0.8 * r, 1.25 * r,
                    0.05 * r, 600, seed);
            sloProbe = SloProbe.measure(engine, around(promptTokens), around(outputTokens), slo, 1.3 * r, 600, seed);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.equals("json")) {
            out.println(json(deployment, m, c, slo, sloCapacity, suggested, probe, sloProbe));
            out.flush();
            return 0;
        }
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
        out.printf(Locale.ROOT, "saturation rate         %s req/s (%.0f output tokens/s, %.1f ms per step): beyond it"
                + " the queue grows%n", Numbers.plain(c.requestsPerSecond()), c.outputTokensPerSecond(), c.stepSeconds() * 1000);
        double kvAtLimit = Math.min(1, c.concurrency() / c.kvConcurrency());
        if (c.limitedBy() != CapacityEstimate.Limit.KV_CACHE) {
            out.printf(Locale.ROOT, "KV at the batch limit   %.2f%s%n", kvAtLimit, kvAtLimit < KV_DEFAULT
                    ? String.format(Locale.ROOT, " (never reaches the default kv_utilization target %.2f: set a rate"
                            + " target)", KV_DEFAULT) : "");
        }
        out.printf(Locale.ROOT, "SLO                     TTFT p95 <= %.2f s, mean ITL <= %.0f ms%n", slo.ttftSeconds(),
                slo.itlSeconds() * 1000);
        if (sloCapacity.feasible()) {
            out.printf(Locale.ROOT, "SLO rate                %s req/s (%.0f %% of saturation; %s binds: TTFT p95 %.2f s,"
                    + " mean ITL %.0f ms there)%n", Numbers.plain(sloCapacity.requestsPerSecond()),
                    100 * sloCapacity.shareOfSaturation(), sloCapacity.binding().name(), sloCapacity.ttftSeconds(),
                    sloCapacity.itlSeconds() * 1000);
            // Below 1 req/s two decimals could print a target of 0.00, which no spec accepts.
            out.printf(Locale.ROOT, "suggested target        arrivals_ps %s per replica (the SLO rate, at most %.2f ×"
                    + " the saturation rate)%n", Numbers.plain(suggested), Contender.RATE_TARGET_SHARE);
            out.printf(Locale.ROOT, "                        with spec.forecast.leadTimeSeconds = cold start + one"
                    + " decision interval (src/docs/policy.md)%n");
        } else {
            out.printf(Locale.ROOT, "SLO rate                none: %s; more replicas cannot help%n", sloCapacity.reason());
        }
        if (check) {
            double r = c.requestsPerSecond();
            double ratio = r / probe.servedRate();
            out.printf(Locale.ROOT, "simulator: served at most %.2f req/s; queue first grew at %.2f req/s;"
                    + " estimate ÷ measured = %.3f (%s)%n", probe.servedRate(), probe.firstGrowingRate(), ratio,
                    Math.abs(ratio - 1) <= 0.10 ? "within 10 %" : "outside 10 %");
            if (sloProbe.feasible() && sloCapacity.feasible()) {
                double sloRatio = sloCapacity.requestsPerSecond() / sloProbe.requestsPerSecond();
                out.printf(Locale.ROOT, "simulator: SLO met up to %.2f req/s; estimate ÷ measured = %.3f (%s)%n",
                        sloProbe.requestsPerSecond(), sloRatio, Math.abs(sloRatio - 1) <= 0.10 ? "within 10 %"
                                : "outside 10 %");
            } else {
                out.printf(Locale.ROOT, "simulator: SLO %s at %.3f req/s%n", sloProbe.feasible()
                        ? "met from " + sloProbe.requestsPerSecond() : "not met even", sloProbe.points().get(0).rate());
            }
        }
        return 0;
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    /** The answer as one JSON object; absent values are null. */
    static String json(Deployment deployment, MemoryPlan m, CapacityEstimate c, LatencyObjective slo, SloCapacity s,
            double suggested, SaturationProbe.Measurement probe, SloProbe.Measurement sloProbe) {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(text)) {
            g.writeStartObject();
            g.writeStringField("model", deployment.model().name());
            g.writeNumberField("gpus", deployment.gpus());
            g.writeNumberField("kv_tokens", m.kvTokens());
            g.writeNumberField("concurrency", c.concurrency());
            g.writeStringField("limited_by", c.limitedBy().name().toLowerCase(Locale.ROOT));
            g.writeNumberField("saturation_rps", c.requestsPerSecond());
            g.writeNumberField("step_seconds_at_saturation", c.stepSeconds());
            g.writeObjectFieldStart("slo");
            g.writeNumberField("ttft_seconds", slo.ttftSeconds());
            g.writeNumberField("ttft_quantile", slo.ttftQuantile());
            g.writeNumberField("itl_mean_seconds", slo.itlSeconds());
            g.writeEndObject();
            g.writeBooleanField("feasible", s.feasible());
            number(g, "slo_rps", s.requestsPerSecond());
            g.writeStringField("binding", s.binding().name().toLowerCase(Locale.ROOT));
            number(g, "ttft_seconds_at_rate", s.feasible() ? s.ttftSeconds() : Double.NaN);
            number(g, "itl_mean_seconds_at_rate", s.feasible() ? s.itlSeconds() : Double.NaN);
            if (s.feasible()) {
                g.writeNullField("reason");
            } else {
                g.writeStringField("reason", s.reason());
            }
            number(g, "suggested_arrivals_ps", suggested);
            if (probe != null) {
                g.writeObjectFieldStart("check");
                number(g, "served_rps", probe.servedRate());
                number(g, "first_growing_rps", probe.firstGrowingRate());
                number(g, "slo_rps", sloProbe.requestsPerSecond());
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static void number(JsonGenerator g, String name, double value) throws IOException {
        if (Double.isFinite(value)) {
            g.writeNumberField(name, value);
        } else {
            g.writeNullField(name);
        }
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
                    2 * Deployment.GIB, 0.002, 16, 256, 8192, 131_072, Deployment.FITTED_DECODE_TOKEN_SHARE);
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
                maxNumSeqs != null ? maxNumSeqs : base.maxNumSeqs(), base.maxNumBatchedTokens(), base.maxModelLen(),
                base.decodeTokenShare());
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
