/**
 * Signals and saturation of one inference-engine replica, derived from the samples the collectors read.
 *
 * <p>{@link dev.headroom.signals.SampleWindow} keeps the last samples of one engine and derives
 * {@link dev.headroom.signals.Signals}: gauges as last read, counter rates that survive engine
 * restarts, and latency quantiles computed as PromQL's {@code histogram_quantile} over a {@code rate}.
 * {@link dev.headroom.signals.Saturation} divides each signal by its
 * {@link dev.headroom.signals.SaturationTargets target}; the composite is the maximum.
 *
 * <p>What this package must never do: turn missing or stale data into a number (unknown is absent, never 0,
 * so it can never scale a deployment down); produce a negative rate; count GPU utilisation as load; depend on
 * a framework or read the wall clock (the caller passes the instant). The signal reference is
 * {@code src/docs/signals.md}.
 */
package dev.headroom.signals;
