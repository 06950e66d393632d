/**
 * Request traces (CSV as Azure's LLM inference traces, JSONL as other public traces) read strictly, and
 * replayed: a time window, a rate change by time compression or by superposed copies, an explicit rule for
 * over-long requests; and seeded synthetic mixes of named shapes ({@link dev.headroom.simulator.trace.SyntheticTrace})
 * where no public trace of a shape is bundled. Deterministic: whatever draws random numbers is seeded.
 */
package dev.headroom.simulator.trace;
