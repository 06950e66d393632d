package dev.headroom.agent.sidecar;

import dev.headroom.autoscaler.monitor.EngineState;
import dev.headroom.autoscaler.signals.Signal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON body of {@code GET /v1/signals}. Every signal key is always present; an unknown value is
 * {@code null}, never 0. KEDA's {@code metrics-api} scaler can read it as it is, e.g.
 * {@code valueLocation: saturation.composite}.
 */
public record SignalsView(
        Engine engine,
        Scrape lastScrape,
        boolean stale,
        Double ageSeconds,
        int samples,
        Map<String, Double> signals,
        Map<String, String> units,
        SaturationView saturation,
        Map<String, Double> targets) {

    public record Engine(String url, boolean up, String dialect, String model, String version) {
    }

    public record Scrape(String at, String outcome, String message, double durationSeconds) {
    }

    public record SaturationView(Double composite, String dominant, Map<String, Double> signals) {
    }

    public static SignalsView of(EngineState s) {
        var id = s.signals().engine();
        Engine engine = new Engine(s.engineUrl().toString(), s.engineUp(), id.dialect(), id.model(), id.version());
        Scrape scrape = s.lastScrape()
                .map(l -> new Scrape(l.at().toString(), l.outcome(), l.message(), l.took().toNanos() / 1e9))
                .orElse(null);
        Map<String, Double> values = new LinkedHashMap<>();
        Map<String, String> units = new LinkedHashMap<>();
        Map<String, Double> perSignal = new LinkedHashMap<>();
        Map<String, Double> targets = new LinkedHashMap<>();
        for (Signal signal : Signal.values()) {
            values.put(signal.key(), boxed(s.signals().get(signal)));
            units.put(signal.key(), signal.unit());
            s.saturation().get(signal).ifPresent(v -> perSignal.put(signal.key(), v));
            s.targets().get(signal).ifPresent(v -> targets.put(signal.key(), v));
        }
        SaturationView saturation = new SaturationView(boxed(s.saturation().composite()),
                s.saturation().dominant().map(Signal::key).orElse(null), perSignal);
        return new SignalsView(engine, scrape, s.signals().stale(), boxed(s.signals().ageSeconds()),
                s.signals().samples(), values, units, saturation, targets);
    }

    private static Double boxed(java.util.OptionalDouble v) {
        return v.isPresent() ? v.getAsDouble() : null;
    }
}
