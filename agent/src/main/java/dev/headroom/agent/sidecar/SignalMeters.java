package dev.headroom.agent.sidecar;

import dev.headroom.signals.monitor.EngineState;
import dev.headroom.signals.Signal;
import dev.headroom.collectors.engine.EngineIdentity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * Publishes the sidecar's latest {@link EngineState} as Micrometer gauges (hence Prometheus on
 * {@code /q/metrics}). Unknown and stale values read {@code NaN}: absent data must never look like an idle
 * engine. Signal gauges carry the {@code model} label, so they are re-registered when the engine's identity
 * changes (a new model behind the same URL); {@code headroom_engine_identity} carries dialect and version.
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

    public SignalMeters(MeterRegistry registry) {
        this.registry = registry;
        fixedMeters.add(Gauge.builder(ExportedMetric.ENGINE_UP, latest, r -> r.get() != null && r.get().engineUp() ? 1 : 0)
                .description("1 when the last scrape of the engine returned a readable payload, else 0")
                .register(registry));
        fixedMeters.add(Gauge.builder(ExportedMetric.SIGNALS_STALE, latest, r -> r.get() == null || r.get().signals().stale() ? 1 : 0)
                .description("1 when the newest sample is too old to stand for the engine's current load")
                .register(registry));
        fixedMeters.add(Gauge.builder(ExportedMetric.SAMPLE_AGE, latest, r -> r.get() == null ? Double.NaN : orNaN(r.get().signals().ageSeconds()))
                .description("Age of the newest sample")
                .baseUnit("seconds")
                .register(registry));
        fixedMeters.add(Gauge.builder(ExportedMetric.SCRAPE_DURATION, latest,
                        r -> r.get() == null ? Double.NaN : r.get().lastScrape().map(l -> l.took().toNanos() / 1e9).orElse(Double.NaN))
                .description("Duration of the last scrape of the engine")
                .baseUnit("seconds")
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
    }

    /** Called once after every scrape, from the scraping thread, with the state that scrape produced. */
    public synchronized void update(EngineState snapshot) {
        latest.set(snapshot);
        snapshot.lastScrape().ifPresent(last -> scrapes(last.outcome()).increment());
        EngineIdentity identity = snapshot.signals().engine();
        if (snapshot.signals().hasData() && !identity.equals(registeredIdentity)) {
            registerIdentityMeters(identity);
        }
    }

    private Counter scrapes(String outcome) {
        Counter counter = Counter.builder(ExportedMetric.SCRAPES)
                .description("Scrapes of the engine by outcome (ok, or the failure kind)")
                .tag("outcome", outcome)
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
        Tags model = Tags.of("model", identity.model());

        identityMeters.add(Gauge.builder(ExportedMetric.ENGINE_IDENTITY, () -> 1)
                .description("The engine behind this sidecar: dialect, model and version as read from its payload")
                .tags(model.and("dialect", identity.dialect(), "version", identity.version()))
                .register(registry));
        for (Signal signal : Signal.values()) {
            ExportedMetric exported = ExportedMetric.of(signal);
            Tags tags = exported.quantile() == null ? model : model.and("quantile", exported.quantile());
            identityMeters.add(Gauge.builder(exported.name(), latest, current(s -> s.signals().get(signal)))
                    .description(exported.description() + " (NaN when unknown or stale)")
                    .tags(tags)
                    .register(registry));
            identityMeters.add(Gauge.builder(ExportedMetric.SATURATION, latest, current(s -> s.saturation().get(signal)))
                    .description("Each signal divided by its target; 1.0 = at target (NaN when unknown or stale)")
                    .tags(model.and("signal", signal.key()))
                    .register(registry));
        }
        identityMeters.add(Gauge.builder(ExportedMetric.SATURATION_COMPOSITE, latest, current(s -> s.saturation().composite()))
                .description("The highest saturation over all signals; 1.0 = a target is reached (NaN when unknown)")
                .tags(model)
                .register(registry));
        for (Signal signal : Signal.values()) {
            latest.get().targets().get(signal).ifPresent(target ->
                    identityMeters.add(Gauge.builder(ExportedMetric.SATURATION_TARGET, () -> target)
                            .description("The configured target of each signal, in the signal's own unit")
                            .tags(model.and("signal", signal.key()))
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
