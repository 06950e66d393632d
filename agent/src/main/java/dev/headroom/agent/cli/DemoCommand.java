package dev.headroom.agent.cli;

import dev.headroom.agent.demo.DemoRun;
import dev.headroom.agent.sidecar.SidecarConfig;
import dev.headroom.agent.sidecar.SidecarRuntime;
import dev.headroom.agent.sidecar.SidecarSettings;
import dev.headroom.simulator.EngineConfig;
import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code headroom demo}: the whole data path on a laptop, with a simulated engine. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Watch a simulated engine go from idle to overload, live, and get a report.",
                "Starts a simulated engine and a sidecar scraping it over HTTP, ramps the load, shows each",
                "second, and writes a chart and a summary. While it runs, the sidecar serves /v1/signals",
                "and /q/metrics as in production."})
public class DemoCommand implements Callable<Integer> {

    @Option(names = "--duration", defaultValue = "60s", description = "Length of the load ramp. Default: ${DEFAULT-VALUE}")
    String duration;

    @Option(names = "--from-rps", defaultValue = "0.5", description = "Requests/s at the start. Default: ${DEFAULT-VALUE}")
    double fromRps;

    @Option(names = "--to-rps", defaultValue = "8", description = "Requests/s at the end; the demo engine is full near 4. Default: ${DEFAULT-VALUE}")
    double toRps;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of arrivals and request lengths. Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--report-dir", defaultValue = "headroom-report", description = "Where the report goes. Default: ${DEFAULT-VALUE}")
    Path reportDir;

    private final SidecarRuntime sidecar;
    private final SidecarConfig config;

    public DemoCommand(SidecarRuntime sidecar, SidecarConfig config) {
        this.sidecar = sidecar;
        this.config = config;
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DemoRun.Options options;
        try {
            options = new DemoRun.Options(Durations.parse("--duration", duration), fromRps, toRps, seed, reportDir,
                    EngineConfig.demo());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        int port = ConfigProvider.getConfig().getValue("quarkus.http.port", Integer.class);
        new DemoRun(options, (metricsUrl, gpu) -> {
            sidecar.start(SidecarSettings.from(config, metricsUrl), Optional.of(gpu));
            System.out.printf("While it runs: curl http://localhost:%d/v1/signals  |  curl http://localhost:%d/q/metrics%n", port, port);
            return new DemoRun.Sidecar(sidecar::snapshot, sidecar::gpu);
        }, System.out).run();
        return 0;
    }
}
