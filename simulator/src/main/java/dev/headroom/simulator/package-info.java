/**
 * A simulated continuous-batching LLM inference engine, after vLLM V1, for demos, tests and capacity
 * experiments without a GPU.
 *
 * <p>{@link dev.headroom.simulator.EngineModel} is the engine: KV blocks, a running-sequence cap, chunked
 * prefill under a per-step token budget, FCFS admission, preemption by recompute, and a step-time cost
 * model ({@link dev.headroom.simulator.EngineConfig}). It has no clock: callers drive it, either in virtual
 * time ({@link dev.headroom.simulator.VirtualTimeRunner}, as fast as the CPU allows) or in real time behind
 * a vLLM-compatible HTTP API ({@link dev.headroom.simulator.EngineServer}).
 * {@link dev.headroom.simulator.LoadGenerator} drives such a server with bounded open-loop load.
 *
 * <p>It also reports GPU utilisation as {@code nvidia-smi} does — the share of time a step is executing —
 * which pins near 100% with a single request in flight: the reason Headroom scales on KV cache and queue
 * instead. This package depends on the JDK and jackson-core's streaming parser (request bodies, trace lines)
 * alone, never on the rest of Headroom, and never reaches beyond the loopback interface. The model, its calibration and its limits: {@code src/docs/simulator.md}.
 */
package dev.headroom.simulator;
