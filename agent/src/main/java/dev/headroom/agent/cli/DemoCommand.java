package dev.headroom.agent.cli;

import dev.headroom.agent.demo.DemoRun;
import dev.headroom.agent.demo.ScalingDemo;
import dev.headroom.agent.sidecar.SidecarConfig;
import dev.headroom.agent.sidecar.SidecarRuntime;
import dev.headroom.agent.sidecar.SidecarSettings;
import dev.headroom.autoscaler.kubernetes.HeadroomController;
import dev.headroom.signals.WindowConfig;
import dev.headroom.simulator.EngineConfig;
import org.eclipse.microprofile.config.ConfigProvider;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code headroom demo}: the whole data path on a laptop, with a simulated engine. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Watch a simulated engine go from idle to overload, live, and get a report.",
                "Act 1: starts a simulated engine and a sidecar scraping it over HTTP, ramps the load, shows each"
                        + " second, and writes a chart and a summary. While it runs, the sidecar serves /v1/signals"
                        + " and /q/metrics as in production.",
                "Act 2: several simulated replicas behind a least-loaded balancer, each with its own sidecar; the"
                        + " controller's policy scales them once a second while the load ramps up and back down,"
                        + " then holds the low load until the scale-down window has passed; new replicas pay a cold"
                        + " start. Writes a chart of replicas over time."})
public class DemoCommand implements Callable<Integer> {

    @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class,
            description = "Length of the load ramp. Default: ${DEFAULT-VALUE}")
    Duration duration;

    @Option(names = "--from-rps", defaultValue = "0.5", description = "Requests/s at the start. Default: ${DEFAULT-VALUE}")
    double fromRps;

    @Option(names = "--to-rps", defaultValue = "8", description = "Requests/s at the end; the demo engine is full near 4. Default: ${DEFAULT-VALUE}")
    double toRps;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of arrivals and request lengths. Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--act", defaultValue = "all", description = "Which act: 1 (one engine to overload), 2 (scaling replicas) or all. Default: ${DEFAULT-VALUE}")
    String act;

    @Option(names = "--scaling-to-rps", defaultValue = "14", description = "Act 2: requests/s at the peak (one replica is full near 4). Default: ${DEFAULT-VALUE}")
    double scalingToRps;

    @Option(names = "--max-replicas", defaultValue = "6", description = "Act 2: the policy's maxReplicas. Default: ${DEFAULT-VALUE}")
    int maxReplicas;

    @Option(names = "--cold-start", defaultValue = "10s", converter = DurationConverter.class,
            description = "Act 2: how long a new replica takes to become ready. Default: ${DEFAULT-VALUE}")
    Duration coldStart;

    @Option(names = "--scale-down-window", defaultValue = "20s", converter = DurationConverter.class,
            description = "Act 2: scale-down stabilisation window (the HPA's default is 300s). Default: ${DEFAULT-VALUE}")
    Duration scaleDownWindow;

    @Option(names = "--scrape-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Act 1: how often the sidecar scrapes the engine. Default: headroom.sidecar.scrape-interval, else "
                    + WindowConfig.DEFAULT_SCRAPE_INTERVAL_SECONDS + "s")
    Duration scrapeInterval;

    @Option(names = "--report-dir", defaultValue = "headroom-report", description = "Where the report goes. Default: ${DEFAULT-VALUE}")
    Path reportDir;

    // Injected when the application runs the command; null while the launcher only parses (CommandLines).
    @Inject
    SidecarRuntime sidecar;
    @Inject
    SidecarConfig config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        boolean first = switch (act) {
            case "1", "all" -> true;
            case "2" -> false;
            default -> throw new ParameterException(spec.commandLine(), "--act must be 1, 2 or all, was '" + act + "'");
        };
        boolean second = !"1".equals(act);
        DemoRun.Options options;
        ScalingDemo.Options scaling;
        try {
            options = new DemoRun.Options(duration, fromRps, toRps, seed, reportDir, EngineConfig.demo());
            // The policy decides as often as the controller does by default.
            scaling = new ScalingDemo.Options(duration, duration, fromRps, scalingToRps, seed, reportDir,
                    EngineConfig.demo(), maxReplicas, coldStart, scaleDownWindow,
                    HeadroomController.Settings.defaults().interval());
            if (first) {
                // Checked before anything starts, as the sidecar will be started with it.
                SidecarSettings.from(config, URI.create("http://127.0.0.1/metrics"), Optional.ofNullable(scrapeInterval));
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (first) {
            int port = ConfigProvider.getConfig().getValue("quarkus.http.port", Integer.class);
            new DemoRun(options, (metricsUrl, gpu) -> {
                sidecar.start(SidecarSettings.from(config, metricsUrl, Optional.ofNullable(scrapeInterval)), Optional.of(gpu));
                System.out.printf("While it runs: curl http://localhost:%d/v1/signals  |  curl http://localhost:%d/q/metrics%n", port, port);
                return new DemoRun.Sidecar(sidecar::snapshot, sidecar::gpu);
            }, System.out).run();
        }
        if (second) {
            if (first) {
                System.out.println();
            }
            new ScalingDemo(scaling, System.out).run();
        }
        return 0;
    }
}
