/**
 * The one table of every metric Headroom exports ({@link dev.headroom.agent.metrics.MetricFamily}) and the
 * Micrometer builders that render its rows. Names, units, descriptions and label keys are written here once; the
 * sidecar's and the controller's Micrometer meters and the OTLP instruments read them.
 *
 * <p>It must never depend on the autoscaler (the sidecar role renders from it with collectors and signals only),
 * nor hold state: it describes metrics, the exporters own the values.
 */
package dev.headroom.agent.metrics;
