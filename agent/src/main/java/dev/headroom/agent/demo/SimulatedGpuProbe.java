package dev.headroom.agent.demo;

import dev.headroom.collectors.gpu.GpuDevice;
import dev.headroom.collectors.gpu.GpuProbe;
import dev.headroom.collectors.gpu.GpuReading;
import dev.headroom.collectors.gpu.ProbeState;
import dev.headroom.simulator.EngineServer;
import dev.headroom.simulator.EngineSnapshot;

import java.time.InstantSource;
import java.util.List;

/**
 * The simulated engine's GPU as NVML would report it: utilisation is the share of time a step was executing
 * (what nvidia-smi shows), memory is what the engine pre-allocated. Lets the demo's sidecar export GPU metrics
 * exactly as it does on a real node.
 */
public final class SimulatedGpuProbe implements GpuProbe {

    private final EngineServer engine;
    private final InstantSource clock;
    private volatile boolean closed;

    public SimulatedGpuProbe(EngineServer engine, InstantSource clock) {
        this.engine = engine;
        this.clock = clock;
    }

    @Override
    public String source() {
        return "simulated";
    }

    @Override
    public ProbeState state() {
        return closed ? ProbeState.CLOSED : ProbeState.AVAILABLE;
    }

    @Override
    public String message() {
        return closed ? "closed" : "the simulated engine's GPU";
    }

    @Override
    public GpuReading poll() {
        if (closed) {
            return GpuReading.unavailable(source(), ProbeState.CLOSED, "closed", clock.instant());
        }
        EngineSnapshot s = engine.snapshot();
        GpuDevice device = GpuDevice.builder(0, "GPU-00000000-0000-0000-0000-5e1f5e1f5e1f", "simulated H100 80GB")
                .memoryTotalBytes(s.gpuMemoryTotalBytes())
                .memoryUsedBytes(s.gpuMemoryUsedBytes())
                .memoryFreeBytes(s.gpuMemoryTotalBytes() - s.gpuMemoryUsedBytes())
                .gpuUtilization(Math.min(1, Math.max(0, s.gpuUtilization())))
                .build();
        return new GpuReading(source(), ProbeState.AVAILABLE, message(), clock.instant(), List.of(device));
    }

    @Override
    public void close() {
        closed = true;
    }
}
