package dev.headroom.agent.otel;

import dev.headroom.agent.sidecar.ExportedMetric;
import dev.headroom.agent.sidecar.SidecarRuntime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Builds the OpenTelemetry SDK (metrics only) from {@link OtlpSettings} when {@code headroom.otlp.enabled}
 * is true, and registers {@link SignalInstruments} and {@link GenAiHistograms} on it. When disabled, nothing is
 * built and no thread runs.
 */
@Startup
@ApplicationScoped
public class OtlpSignalExport {

    private static final Logger LOG = Logger.getLogger(OtlpSignalExport.class);

    private final SdkMeterProvider provider;
    private final SignalInstruments instruments;

    @Inject
    public OtlpSignalExport(OtlpConfig config, SidecarRuntime sidecar, MeterRegistry registry) {
        this(config, OtelEnvironment.from(System.getenv()), sidecar, registry);
    }

    /** With the {@code OTEL_*} variables given, not read from the process environment. */
    OtlpSignalExport(OtlpConfig config, OtelEnvironment env, SidecarRuntime sidecar, MeterRegistry registry) {
        if (!OtlpSettings.enabled(config, env)) {
            provider = null;
            instruments = null;
            return;
        }
        OtlpSettings settings = OtlpSettings.from(config, env);
        provider = SdkMeterProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(attributes(settings.resource()))))
                .registerMetricReader(PeriodicMetricReader.builder(exporter(settings))
                        .setInterval(settings.interval()).build())
                // The engine's histograms are already aggregated: a producer hands them to the SDK whole.
                .registerMetricProducer(new GenAiHistograms(sidecar::snapshot, settings.operationName()))
                .build();
        instruments = new SignalInstruments(provider.get(OtlpMetric.SCOPE), sidecar::snapshot,
                () -> scrapeCounts(registry));
        LOG.infof("exporting signals over OTLP (%s) to %s every %s", settings.protocol().configName(),
                settings.endpoint(), settings.interval());
    }

    static MetricExporter exporter(OtlpSettings settings) {
        String endpoint = settings.endpoint().toString();
        return switch (settings.protocol()) {
            case GRPC -> {
                var b = OtlpGrpcMetricExporter.builder().setEndpoint(endpoint).setTimeout(settings.timeout());
                settings.headers().forEach(b::addHeader);
                yield b.build();
            }
            case HTTP_PROTOBUF -> {
                var b = OtlpHttpMetricExporter.builder().setEndpoint(endpoint).setTimeout(settings.timeout());
                settings.headers().forEach(b::addHeader);
                yield b.build();
            }
        };
    }

    private static Attributes attributes(Map<String, String> map) {
        AttributesBuilder b = Attributes.builder();
        map.forEach(b::put);
        return b.build();
    }

    /** The scrape counters exactly as {@code /q/metrics} shows them, so both paths agree. */
    private static Map<String, Double> scrapeCounts(MeterRegistry registry) {
        Map<String, Double> counts = new TreeMap<>();
        for (Counter c : registry.find(ExportedMetric.SCRAPES).counters()) {
            String outcome = c.getId().getTag("outcome");
            if (outcome != null) {
                counts.merge(outcome, c.count(), Double::sum);
            }
        }
        return counts;
    }

    /** Whether the SDK was built (export enabled). */
    public boolean exporting() {
        return provider != null;
    }

    @PreDestroy
    void stop() {
        if (provider != null) {
            instruments.close();
            // Flush what was collected last, so a rolling restart does not leave a gap.
            provider.shutdown().join(5, TimeUnit.SECONDS);
        }
    }
}
