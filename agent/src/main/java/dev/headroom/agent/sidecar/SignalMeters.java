package dev.headroom.agent.sidecar;

import dev.headroom.signals.monitor.EngineState;
import dev.headroom.signals.Signal;
import dev.headroom.agent.metrics.MetricFamily;
import dev.headroom.agent.metrics.MicrometerFamilies;
import dev.headroom.collectors.engine.EngineIdentity;
import dev.headroom.collectors.engine.Rejection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.CollectorRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * Publishes the sidecar's latest {@link EngineState} as Micrometer gauges (hence Prometheus on
 * {@code /q/metrics}). Unknown and stale values read {@code NaN}: absent data must never look like an idle
 * engine. Signal gauges carry the {@code model} label, so they are re-registered when the engine's identity
 * changes (a new model behind the same URL); {@code headroom_engine_info} carries dialect and version. The
 * engine's latency histograms go beside them ({@link LatencyHistograms}).
 *
 * <p>Micrometer holds gauge state weakly; this object keeps the snapshot reference strongly for as long as
 * the sidecar runs.
 */
public final class SignalMeters {

    private final MeterRegistry registry;
    private final AtomicReference<EngineState> latest = new AtomicReference<>();
    private final List<Meter> identityMeters = new ArrayList<>();
    private final List<Meter> fixedMeters = new ArrayList<>();
    private EngineIdentity registeredIdentity;
    /** Where the latency histograms are registered; null when there is no Prometheus registry, or once closed. */
    private CollectorRegistry histogramRegistry;
    private final LatencyHistograms histograms = new LatencyHistograms(latest::get);

    public SignalMeters(MeterRegistry registry) {
        this.registry = registry;
        histogramRegistry = LatencyHistograms.prometheus(registry)
                .map(PrometheusMeterRegistry::getPrometheusRegistry).orElse(null);
        if (histogramRegistry != null) {
            histogramRegistry.register(histograms);
        }
        fixedMeters.add(MicrometerFamilies.gauge(MetricFamily.ENGINE_UP, latest, r -> r.get() != null && r.get().engineUp() ? 1 : 0)
                .register(registry));
        fixedMeters.add(MicrometerFamilies.gauge(MetricFamily.SIGNALS_STALE, latest, r -> r.get() == null || r.get().signals().stale() ? 1 : 0)
                .register(registry));
        fixedMeters.add(MicrometerFamilies.gauge(MetricFamily.SAMPLE_AGE, latest, r -> r.get() == null ? Double.NaN : orNaN(r.get().signals().ageSeconds()))
                .register(registry));
        fixedMeters.add(MicrometerFamilies.gauge(MetricFamily.SCRAPE_DURATION, latest,
                        r -> r.get() == null ? Double.NaN : r.get().lastScrape().map(l -> l.took().toNanos() / 1e9).orElse(Double.NaN))
                .register(registry));
    }

    /**
     * Removes every meter this object registered. Micrometer keeps a meter per id and hands the existing one back
     * on a second registration, with the state it was first bound to; a registry that outlives this object (the
     * global composite does, across application restarts in one JVM) would otherwise keep reading a dead state.
     */
    public synchronized void close() {
        identityMeters.forEach(registry::remove);
        identityMeters.clear();
        fixedMeters.forEach(registry::remove);
        fixedMeters.clear();
        registeredIdentity = null;
        if (histogramRegistry != null) {
            histogramRegistry.unregister(histograms);
            histogramRegistry = null;
        }
    }

    /** Called once after every scrape, from the scraping thread, with the state that scrape produced. */
    public synchronized void update(EngineState snapshot) {
        latest.set(snapshot);
        snapshot.lastScrape().ifPresent(last -> scrapes(last.outcome()).increment());
        // Counted once per scrape that read a sample: after a failed one the window, and its rejections, are the
        // previous scrape's, already counted.
        if (snapshot.lastScrape().map(EngineState.LastScrape::ok).orElse(false)) {
            snapshot.signals().rejected().forEach((signal, why) -> rejected(signal, why.reason()).increment());
        }
        EngineIdentity identity = snapshot.signals().engine();
        if (snapshot.signals().hasData() && !identity.equals(registeredIdentity)) {
            registerIdentityMeters(identity);
        }
    }

    private Counter scrapes(String outcome) {
        Counter counter = MicrometerFamilies.counter(MetricFamily.SCRAPES)
                .tag(MetricFamily.Labels.OUTCOME, outcome)
                .register(registry);
        if (!fixedMeters.contains(counter)) {
            fixedMeters.add(counter);
        }
        return counter;
    }

    private Counter rejected(Signal signal, Rejection.Reason reason) {
        Counter counter = MicrometerFamilies.counter(MetricFamily.READINGS_REJECTED)
                .tag(MetricFamily.Labels.SIGNAL, signal.key())
                .tag(MetricFamily.Labels.REASON, reason.key())
                .register(registry);
        if (!fixedMeters.contains(counter)) {
            fixedMeters.add(counter);
        }
        return counter;
    }

    private void registerIdentityMeters(EngineIdentity identity) {
        identityMeters.forEach(registry::remove);
        identityMeters.clear();
        registeredIdentity = identity;
        Tags model = Tags.of(MetricFamily.Labels.MODEL, identity.model());

        identityMeters.add(MicrometerFamilies.gauge(MetricFamily.ENGINE_INFO, latest, r -> 1)
                .tags(model.and(MetricFamily.Labels.DIALECT, identity.dialect(), MetricFamily.Labels.VERSION, identity.version()))
                .register(registry));
        for (Signal signal : Signal.values()) {
            identityMeters.add(MicrometerFamilies.gauge(MetricFamily.of(signal), latest, current(s -> s.signals().get(signal)))
                    .tags(model)
                    .register(registry));
            // A signal without a target has no saturation: no series, rather than one that always reads NaN.
            if (latest.get().targets().get(signal).isPresent()) {
                identityMeters.add(MicrometerFamilies.gauge(MetricFamily.SATURATION, latest,
                                current(s -> s.saturation().get(signal)))
                        .tags(model.and(MetricFamily.Labels.SIGNAL, signal.key()))
                        .register(registry));
            }
        }
        identityMeters.add(MicrometerFamilies.gauge(MetricFamily.SATURATION_COMPOSITE, latest, current(s -> s.saturation().composite()))
                .tags(model)
                .register(registry));
        for (Signal signal : Signal.values()) {
            latest.get().targets().get(signal).ifPresent(target ->
                    identityMeters.add(MicrometerFamilies.gauge(MetricFamily.SATURATION_TARGET, latest, r -> target)
                            .tags(model.and(MetricFamily.Labels.SIGNAL, signal.key()))
                            .register(registry)));
        }
    }

    private static ToDoubleFunction<AtomicReference<EngineState>> current(
            java.util.function.Function<EngineState, OptionalDouble> read) {
        return ref -> {
            EngineState s = ref.get();
            return s == null || s.signals().stale() ? Double.NaN : orNaN(read.apply(s));
        };
    }

    private static double orNaN(OptionalDouble v) {
        return v.isPresent() ? v.getAsDouble() : Double.NaN;
    }
}
