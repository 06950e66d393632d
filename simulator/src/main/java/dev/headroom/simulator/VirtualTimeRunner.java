package dev.headroom.simulator;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs an {@link EngineModel} over a request list as fast as the CPU allows: time jumps from step end to
 * step end, and over idle gaps straight to the next arrival. Deterministic: the same config and requests
 * give the same result.
 */
public final class VirtualTimeRunner {

    private final EngineConfig config;
    private final double sampleIntervalSeconds;

    public VirtualTimeRunner(EngineConfig config, double sampleIntervalSeconds) {
        if (!(sampleIntervalSeconds > 0) || !Double.isFinite(sampleIntervalSeconds)) {
            throw new IllegalArgumentException("sampleIntervalSeconds must be finite and > 0, was "
                    + sampleIntervalSeconds);
        }
        this.config = config;
        this.sampleIntervalSeconds = sampleIntervalSeconds;
    }

    /**
     * Runs every request to completion.
     *
     * @param requests sorted by arrival time
     * @throws IllegalArgumentException if arrivals are out of order or a request exceeds {@code maxModelLen}
     */
    public SimulationResult run(List<SimRequest> requests) {
        EngineModel model = new EngineModel(config);
        List<RequestResult> results = new ArrayList<>(requests.size());
        model.onFinish(results::add);
        List<TimeSample> series = new ArrayList<>();
        Sampler sampler = new Sampler(model, series);

        double now = 0;
        int next = 0;
        double lastArrival = 0;
        while (next < requests.size() || model.hasWork()) {
            if (!model.hasWork()) {
                now = Math.max(now, requests.get(next).arrivalSeconds());
            }
            while (next < requests.size() && requests.get(next).arrivalSeconds() <= now) {
                SimRequest r = requests.get(next++);
                if (r.arrivalSeconds() < lastArrival) {
                    throw new IllegalArgumentException("requests must be sorted by arrival: request " + r.id()
                            + " arrives at " + r.arrivalSeconds() + " after one at " + lastArrival);
                }
                lastArrival = r.arrivalSeconds();
                model.submit(r);
            }
            sampler.sampleUpTo(now);
            double duration = model.schedule(now);
            model.finishStep();
            now += duration;
        }
        sampler.sampleUpTo(now);
        return new SimulationResult(results, series, model.metrics(), now, model.stepsTaken());
    }

    /** Emits one sample at each multiple of the interval that time has reached. */
    private final class Sampler {
        private final EngineModel model;
        private final List<TimeSample> out;
        private long nextIndex = 1;
        private long lastPrompt;
        private long lastGeneration;

        Sampler(EngineModel model, List<TimeSample> out) {
            this.model = model;
            this.out = out;
        }

        void sampleUpTo(double now) {
            for (double nextAt = nextIndex * sampleIntervalSeconds; nextAt <= now;
                    nextAt = ++nextIndex * sampleIntervalSeconds) {
                EngineMetrics m = model.metrics();
                out.add(new TimeSample(nextAt, model.runningCount(), model.waitingCount(), model.kvCacheUsage(),
                        model.gpuUtilization(nextAt),
                        (m.promptTokens() - lastPrompt) / sampleIntervalSeconds,
                        (m.generationTokens() - lastGeneration) / sampleIntervalSeconds,
                        m.preemptions()));
                lastPrompt = m.promptTokens();
                lastGeneration = m.generationTokens();
            }
        }
    }
}
