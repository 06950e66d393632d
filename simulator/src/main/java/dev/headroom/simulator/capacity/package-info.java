/**
 * The capacity of one replica in closed form — KV cache from the model's shape and the GPUs' memory,
 * concurrency from the cache and scheduler limits, sustainable rate from the step-time model — and a probe
 * that measures the same in the simulator. The arithmetic: {@code src/docs/capacity.md}.
 */
package dev.headroom.simulator.capacity;
