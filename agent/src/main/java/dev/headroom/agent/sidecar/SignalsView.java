package dev.headroom.agent.sidecar;

import dev.headroom.signals.monitor.EngineState;
import dev.headroom.signals.Signal;

import dev.headroom.collectors.gpu.GpuReading;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;

/**
 * The JSON body of {@code GET /v1/signals}. Every signal key is always present; an unknown value is
 * {@code null}, never 0. KEDA's {@code metrics-api} scaler can read it as it is, e.g.
 * {@code valueLocation: saturation.composite}. {@code rejected} names the signals that are unknown because a reading
 * was rejected this scrape (a negative queue, a KV ratio of 7, a counter that dropped...), each with its reason and
 * what was read; a reader that sees {@code null} can tell "the engine does not say" from "the engine said nonsense".
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
        Map<String, Double> targets,
        Gpus gpus,
        Map<String, Rejected> rejected) {

    /** @param deployment how the engine is served where its names tell ({@code behind Ray}), else null */
    public record Engine(String url, boolean up, String dialect, String model, String version, String deployment) {
    }

    /** Why a signal is unknown: {@code reason} is a {@code headroom_reading_rejected_total} label value. */
    public record Rejected(String reason, String detail) {
    }

    public record Scrape(String at, String outcome, String message, double durationSeconds) {
    }

    public record SaturationView(Double composite, String dominant, Map<String, Double> signals) {
    }

    /** What the GPU probe saw; reported beside saturation, never part of it. Null when no probe is configured. */
    public record Gpus(String source, boolean up, String state, String message, List<Gpu> devices) {
    }

    public record Gpu(int index, String uuid, String model, String status, String problem, Double memoryUsedBytes,
                      Double memoryTotalBytes, Double utilization, Double powerWatts, Double temperatureCelsius) {
    }

    public static SignalsView of(EngineState s) {
        return of(s, Optional.empty());
    }

    public static SignalsView of(EngineState s, Optional<GpuReading> gpu) {
        var id = s.signals().engine();
        Engine engine = new Engine(s.engineUrl().toString(), s.engineUp(), id.dialect(), id.model(), id.version(),
                id.deployment().orElse(null));
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
        Map<String, Rejected> rejected = new LinkedHashMap<>();
        s.signals().rejected().forEach((signal, why) ->
                rejected.put(signal.key(), new Rejected(why.reason().key(), why.detail())));
        SaturationView saturation = new SaturationView(boxed(s.saturation().composite()),
                s.saturation().dominant().map(Signal::key).orElse(null), perSignal);
        return new SignalsView(engine, scrape, s.signals().stale(), boxed(s.signals().ageSeconds()),
                s.signals().samples(), values, units, saturation, targets, gpu.map(SignalsView::gpus).orElse(null),
                rejected);
    }

    private static Gpus gpus(GpuReading r) {
        List<Gpu> devices = r.devices().stream().map(d -> new Gpu(d.index(), d.uuid(), d.name(), d.status().name().toLowerCase(java.util.Locale.ROOT),
                d.problem(), boxed(d.memoryUsedBytes()), boxed(d.memoryTotalBytes()), boxed(d.gpuUtilization()),
                boxed(d.powerWatts()), boxed(d.temperatureCelsius()))).toList();
        return new Gpus(r.source(), r.up() == 1, r.state().name().toLowerCase(java.util.Locale.ROOT), r.message(), devices);
    }

    private static Double boxed(java.util.OptionalDouble v) {
        return v.isPresent() ? v.getAsDouble() : null;
    }
}
