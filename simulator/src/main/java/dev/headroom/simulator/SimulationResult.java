package dev.headroom.simulator;

import java.util.List;

/**
 * The outcome of a virtual-time run: every finished request (in finishing order), the sampled time series,
 * and the engine's cumulative metrics at the end.
 */
public record SimulationResult(
        List<RequestResult> requests,
        List<TimeSample> series,
        EngineMetrics metrics,
        double endSeconds,
        long steps) {

    public SimulationResult {
        requests = List.copyOf(requests);
        series = List.copyOf(series);
    }
}
