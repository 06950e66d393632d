/**
 * Request traces (CSV as Azure's LLM inference traces, JSONL as other public traces) read strictly, and
 * replayed: a time window, a rate change by time compression, an explicit rule for over-long requests.
 * Deterministic; nothing here draws random numbers.
 */
package dev.headroom.simulator.trace;
