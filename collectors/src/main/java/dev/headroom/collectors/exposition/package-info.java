/**
 * Reading Prometheus text 0.0.4 and OpenMetrics 1.0 payloads into immutable {@link
 * dev.headroom.collectors.exposition.MetricFamily families} of {@link dev.headroom.collectors.exposition.Sample
 * samples}, looked up by name.
 *
 * <p>{@link dev.headroom.collectors.exposition.ExpositionParser} is the hot path of every scrape: one pass over the
 * bytes, families nobody asked for skipped without allocation, names and label values interned across scrapes.
 *
 * <p>What this package must never do: use regex, {@code String.split} or per-line strings; box per sample; guess a
 * family from a suffix when a {@code # TYPE} line says otherwise; throw an unchecked exception, loop without
 * progress or grow without a bound ({@link dev.headroom.collectors.exposition.ParserLimits}) on any input. Bad input
 * is an {@link dev.headroom.collectors.exposition.ExpositionException} with line and column (and, when a limit
 * was passed, {@code exceedsLimit()}); what a parse holds is released when it ends. It knows no engine: mapping
 * families to signals is the dialects' job.
 *
 * <p>Conformance: the upstream OpenMetrics parser suite and Prometheus text 0.0.4 as Prometheus reads it are tests
 * here ({@code ExpositionConformanceTest}, {@code PrometheusTextEdgeCasesTest}); the limits' budget against the
 * sidecar's heap is in {@code src/docs/signals.md}.
 */
package dev.headroom.collectors.exposition;
