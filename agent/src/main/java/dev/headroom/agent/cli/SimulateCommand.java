package dev.headroom.agent.cli;

import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineServer;
import dev.headroom.simulator.ServerOptions;
import io.quarkus.runtime.Quarkus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;

/** {@code headroom simulate}: a simulated engine alone on a port, to try the sidecar or a dashboard by hand. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Run a simulated engine on a port, to try things by hand.",
                "A continuous-batching engine model that serves vLLM V1 /metrics and accepts POST /v1/completions"
                        + " ({\"prompt_tokens\":N,\"max_tokens\":M}), until interrupted."})
public class SimulateCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8000", description = "Port on 127.0.0.1 (0 picks a free one). Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--preset", defaultValue = "demo",
            description = "Engine preset: demo (a small KV cache that saturates at a few requests/s) or "
                    + "llama-3.1-8b-h100 (Llama-3.1-8B FP16 on one H100 80GB). Default: ${DEFAULT-VALUE}")
    String preset;

    @Option(names = "--time-scale", defaultValue = "1", description = "Engine seconds per wall second. Default: ${DEFAULT-VALUE}")
    double timeScale;

    @Option(names = "--max-waiting", defaultValue = "1000", description = "Refuse completions with 503 beyond this many waiting. Default: ${DEFAULT-VALUE}")
    int maxWaiting;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        EngineConfig config = preset(preset);
        if (config == null) {
            throw new ParameterException(spec.commandLine(), "unknown --preset '" + preset + "': expected demo or llama-3.1-8b-h100");
        }
        ServerOptions options = ServerOptions.defaults().withPort(port).withTimeScale(timeScale).withMaxWaiting(maxWaiting);
        try (EngineServer server = EngineServer.start(config, options)) {
            System.out.printf("simulated engine %s (KV %d tokens, max %d running) on %s%n", config.modelName(),
                    config.kvCapacityTokens(), config.maxNumSeqs(), server.baseUri());
            System.out.printf("  metrics:     curl %s/metrics%n", server.baseUri());
            System.out.printf("  completions: curl -d '{\"prompt_tokens\":256,\"max_tokens\":128}' %s/v1/completions%n", server.baseUri());
            System.out.println("Ctrl-C stops it.");
            Quarkus.waitForExit();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the simulated engine on port " + port + ": " + e.getMessage(), e);
        }
        return 0;
    }

    static EngineConfig preset(String name) {
        return switch (name) {
            case "demo" -> EngineConfig.demo();
            case "llama-3.1-8b-h100" -> EngineConfig.llama31_8bH100();
            case "llama-3.1-8b-h100-arithmetic" -> EngineConfig.llama31_8bH100Arithmetic();
            default -> null;
        };
    }
}
