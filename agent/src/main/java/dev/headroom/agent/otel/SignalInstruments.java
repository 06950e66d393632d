package dev.headroom.agent.otel;

import dev.headroom.signals.monitor.EngineState;
import dev.headroom.signals.Signal;
import dev.headroom.collectors.engine.EngineIdentity;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableMeasurement;

import java.net.URI;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Supplier;

/**
 * Asynchronous OpenTelemetry instruments over the sidecar's state. One batch callback takes one snapshot per
 * collection, so every value in an export comes from the same instant, as one {@code /q/metrics} read does.
 *
 * <p>Plain library code: it knows a {@link Meter} and two suppliers, not CDI. Values that are unknown or
 * stale are not recorded (the point is absent); the sidecar's own health (up, stale, age, scrapes) always is.
 */
public final class SignalInstruments implements AutoCloseable {

    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey(OtlpMetric.ATTR_OUTCOME);

    private final Supplier<Optional<EngineState>> state;
    private final Supplier<Map<String, Double>> scrapesByOutcome;
    private final ObservableDoubleMeasurement up;
    private final ObservableDoubleMeasurement identity;
    private final ObservableDoubleMeasurement stale;
    private final ObservableDoubleMeasurement age;
    private final ObservableDoubleMeasurement scrapeDuration;
    private final ObservableDoubleMeasurement scrapes;
    private final ObservableDoubleMeasurement saturation;
    private final ObservableDoubleMeasurement composite;
    private final ObservableDoubleMeasurement target;
    private final Map<Signal, ObservableDoubleMeasurement> bySignal = new EnumMap<>(Signal.class);
    private final BatchCallback callback;

    /**
     * Registers the instruments on {@code meter}.
     *
     * @param meter            where to register (a no-op meter when the SDK is disabled)
     * @param state            the sidecar's state now; empty when it is not running as a sidecar
     * @param scrapesByOutcome cumulative scrape counts by outcome, as {@code /q/metrics} counts them
     */
    public SignalInstruments(Meter meter, Supplier<Optional<EngineState>> state,
                             Supplier<Map<String, Double>> scrapesByOutcome) {
        this.state = Objects.requireNonNull(state, "state");
        this.scrapesByOutcome = Objects.requireNonNull(scrapesByOutcome, "scrapesByOutcome");
        List<ObservableMeasurement> all = new ArrayList<>();
        up = gauge(meter, OtlpMetric.ENGINE_UP, all);
        identity = gauge(meter, OtlpMetric.ENGINE_INFO, all);
        stale = gauge(meter, OtlpMetric.SIGNALS_STALE, all);
        age = gauge(meter, OtlpMetric.SAMPLE_AGE, all);
        scrapeDuration = gauge(meter, OtlpMetric.SCRAPE_DURATION, all);
        scrapes = meter.counterBuilder(OtlpMetric.SCRAPES.name()).ofDoubles()
                .setUnit(OtlpMetric.SCRAPES.unit()).setDescription(OtlpMetric.SCRAPES.description())
                .buildObserver();
        all.add(scrapes);
        saturation = gauge(meter, OtlpMetric.SATURATION, all);
        composite = gauge(meter, OtlpMetric.SATURATION_COMPOSITE, all);
        target = gauge(meter, OtlpMetric.SATURATION_TARGET, all);
        for (Signal signal : Signal.values()) {
            bySignal.put(signal, gauge(meter, OtlpMetric.of(signal), all));
        }
        callback = meter.batchCallback(this::record, all.get(0),
                all.subList(1, all.size()).toArray(ObservableMeasurement[]::new));
    }

    private static ObservableDoubleMeasurement gauge(Meter meter, OtlpMetric m, List<ObservableMeasurement> all) {
        ObservableDoubleMeasurement g = meter.gaugeBuilder(m.name()).setUnit(m.unit())
                .setDescription(m.description()).buildObserver();
        all.add(g);
        return g;
    }

    private void record() {
        scrapesByOutcome.get().forEach((outcome, count) ->
                scrapes.record(count, Attributes.of(OUTCOME, outcome)));
        Optional<EngineState> current = state.get();
        if (current.isEmpty()) {
            return;
        }
        EngineState s = current.get();
        up.record(s.engineUp() ? 1 : 0);
        stale.record(s.signals().stale() ? 1 : 0);
        s.signals().ageSeconds().ifPresent(age::record);
        s.lastScrape().ifPresent(last -> scrapeDuration.record(last.took().toNanos() / 1e9));
        if (!s.signals().hasData()) {
            return; // no engine read yet: no model to name
        }
        EngineIdentity id = s.signals().engine();
        Attributes engine = engineAttributes(id.model(), s.engineUrl());
        identity.record(1, engine.toBuilder()
                .put(OtlpMetric.ATTR_DIALECT, id.dialect())
                .put(OtlpMetric.ATTR_VERSION, id.version())
                .build());
        for (Signal signal : Signal.values()) {
            s.targets().get(signal).ifPresent(t -> target.record(t, withSignal(engine, signal)));
        }
        if (s.signals().stale()) {
            return;
        }
        for (Signal signal : Signal.values()) {
            recordKnown(bySignal.get(signal), s.signals().get(signal), engine);
            recordKnown(saturation, s.saturation().get(signal), withSignal(engine, signal));
        }
        recordKnown(composite, s.saturation().composite(), engine);
    }

    /** The model and server attributes every point about the engine carries. */
    static Attributes engineAttributes(String model, URI engineUrl) {
        AttributesBuilder b = Attributes.builder().put(OtlpMetric.ATTR_MODEL, model);
        if (engineUrl.getHost() != null) {
            b.put(OtlpMetric.ATTR_SERVER_ADDRESS, engineUrl.getHost());
        }
        int port = engineUrl.getPort() >= 0 ? engineUrl.getPort() : "https".equals(engineUrl.getScheme()) ? 443 : 80;
        b.put(OtlpMetric.ATTR_SERVER_PORT, (long) port);
        return b.build();
    }

    private static Attributes withSignal(Attributes engine, Signal signal) {
        return engine.toBuilder().put(OtlpMetric.ATTR_SIGNAL, signal.key()).build();
    }

    private static void recordKnown(ObservableDoubleMeasurement m, OptionalDouble v, Attributes attrs) {
        if (v.isPresent()) {
            m.record(v.getAsDouble(), attrs);
        }
    }

    /** Stops the callback; the instruments then report nothing. */
    @Override
    public void close() {
        callback.close();
    }
}
