package dev.headroom.agent.cli;

import dev.headroom.agent.gpu.GpuConfig;
import dev.headroom.agent.gpu.GpuProbes;
import dev.headroom.agent.sidecar.SidecarConfig;
import dev.headroom.agent.sidecar.SidecarRuntime;
import dev.headroom.agent.sidecar.SidecarSettings;
import dev.headroom.collectors.gpu.GpuProbe;
import dev.headroom.signals.WindowConfig;
import io.quarkus.runtime.Quarkus;
import org.eclipse.microprofile.config.ConfigProvider;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code headroom sidecar}: scrape one engine and serve its saturation signals until stopped. */
@Command(name = "sidecar", mixinStandardHelpOptions = true,
        description = {"Watch one engine and serve its saturation signals.",
                "Scrapes the engine's /metrics and serves GET /v1/signals (JSON), /q/metrics (Prometheus) and"
                        + " /q/health. Every option can also be set as configuration: headroom.sidecar.* or"
                        + " HEADROOM_SIDECAR_* variables."})
public class SidecarCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--engine-url", description = "The engine's metrics URL, e.g. http://127.0.0.1:8000/metrics")
    URI engineUrl;

    @Option(names = {"--scrape-interval", "--interval"}, paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How often the engine is scraped, e.g. 5s or 500ms. Default: headroom.sidecar.scrape-interval,"
                    + " else " + WindowConfig.DEFAULT_SCRAPE_INTERVAL_SECONDS + "s. The signals turn stale after "
                    + WindowConfig.STALE_AFTER_INTERVALS + " intervals without a sample, unless headroom.sidecar.stale-after"
                    + " says otherwise")
    Duration scrapeInterval;

    @Option(names = "--dialect", description = "auto (detect from the payload) or a dialect name, e.g. vllm (default auto)")
    String dialect;

    // Injected when the application runs the command; null while the launcher only parses (CommandLines).
    @Inject
    SidecarRuntime sidecar;
    @Inject
    SidecarConfig config;
    @Inject
    GpuConfig gpuConfig;

    @Override
    public Integer call() {
        URI url = engineUrl != null ? engineUrl : config.engineUrl().map(URI::create).orElseThrow(() ->
                new ParameterException(spec.commandLine(), "no engine to watch: pass --engine-url URL "
                        + "or set HEADROOM_SIDECAR_ENGINE_URL"));
        SidecarSettings settings;
        Optional<GpuProbe> gpu;
        try {
            settings = SidecarSettings.from(config, url, Optional.ofNullable(scrapeInterval));
            if (dialect != null) {
                settings = settings.withDialect(dialect);
            }
            gpu = GpuProbes.open(gpuConfig, System.getenv(), InstantSource.system());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        sidecar.start(settings, gpu);
        ShutdownDeadline.install(ShutdownDeadline.DEFAULT);
        int port = ConfigProvider.getConfig().getValue("quarkus.http.port", Integer.class);
        System.out.printf("headroom sidecar watching %s; signals on http://localhost:%d/v1/signals%n", url, port);
        Quarkus.waitForExit();
        return 0;
    }
}
