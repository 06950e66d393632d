/**
 * OTLP export of the sidecar's signals through the OpenTelemetry SDK (metrics only) and its OTLP exporter,
 * http/protobuf or gRPC, configured by {@code headroom.otlp.*} ({@link dev.headroom.agent.otel.OtlpConfig}).
 *
 * <p>It only reads {@code SidecarRuntime.snapshot()} when the SDK collects, so the OTLP values are the ones
 * {@code /q/metrics} shows at that moment. Unknown and stale values are left out of the export (OTLP has no
 * NaN convention for "unknown"; a missing point is what every backend already reads as "no data").
 * {@link dev.headroom.agent.otel.GenAiHistograms} re-publishes the engine's own cumulative latency histograms
 * under the GenAI semantic-convention names, from the newest sample of a fresh state only.
 * The names and units are rows of {@link dev.headroom.agent.metrics.MetricFamily}, the one table the Prometheus
 * exporters render from too, read through {@link dev.headroom.agent.otel.OtlpMetric}, which also has the attribute
 * keys; the reasoning is in
 * {@code src/docs/observability.md}. This package must never scrape the engine itself: two scrapers of one
 * engine disagree (llama.cpp resets some gauges on every read).
 */
package dev.headroom.agent.otel;
