package dev.headroom.agent.otel;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One OTLP export as a receiver got it: the transport's path and headers and the decoded request, with the
 * request flattened into points for assertions.
 */
record ReceivedExport(String path, Map<String, String> headers, ExportMetricsServiceRequest request) {

    /** One number data point with everything that names it. */
    record Point(String name, String unit, String kind, boolean monotonic, Map<String, String> attributes,
                 double value, Map<String, String> resource, String scope) {
    }

    /** One histogram data point with everything that names it; counts per bucket, as OTLP carries them. */
    record HistogramPoint(String name, String unit, AggregationTemporality temporality, Map<String, String> attributes,
                          long startNanos, long timeNanos, List<Double> bounds, List<Long> bucketCounts, long count,
                          double sum, Map<String, String> resource, String scope) {
    }

    /** The name of every metric in the export, whatever its kind. */
    List<String> metricNames() {
        return request.getResourceMetricsList().stream().flatMap(rm -> rm.getScopeMetricsList().stream())
                .flatMap(sm -> sm.getMetricsList().stream()).map(Metric::getName).toList();
    }

    List<HistogramPoint> histograms() {
        List<HistogramPoint> out = new ArrayList<>();
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            Map<String, String> resource = strings(rm.getResource().getAttributesList());
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                for (Metric m : sm.getMetricsList()) {
                    if (m.getDataCase() != Metric.DataCase.HISTOGRAM) {
                        continue;
                    }
                    for (HistogramDataPoint dp : m.getHistogram().getDataPointsList()) {
                        out.add(new HistogramPoint(m.getName(), m.getUnit(), m.getHistogram().getAggregationTemporality(),
                                strings(dp.getAttributesList()), dp.getStartTimeUnixNano(), dp.getTimeUnixNano(),
                                dp.getExplicitBoundsList(), dp.getBucketCountsList(), dp.getCount(), dp.getSum(),
                                resource, sm.getScope().getName()));
                    }
                }
            }
        }
        return out;
    }

    List<Point> points() {
        List<Point> points = new ArrayList<>();
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            Map<String, String> resource = strings(rm.getResource().getAttributesList());
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                for (Metric m : sm.getMetricsList()) {
                    List<NumberDataPoint> dps;
                    String kind;
                    boolean monotonic = false;
                    switch (m.getDataCase()) {
                        case GAUGE -> {
                            dps = m.getGauge().getDataPointsList();
                            kind = "gauge";
                        }
                        case SUM -> {
                            dps = m.getSum().getDataPointsList();
                            kind = "sum";
                            monotonic = m.getSum().getIsMonotonic();
                        }
                        default -> {
                            dps = List.of();
                            kind = m.getDataCase().name().toLowerCase();
                        }
                    }
                    for (NumberDataPoint dp : dps) {
                        double v = dp.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? dp.getAsInt() : dp.getAsDouble();
                        points.add(new Point(m.getName(), m.getUnit(), kind, monotonic, strings(dp.getAttributesList()), v,
                                resource, sm.getScope().getName()));
                    }
                }
            }
        }
        return points;
    }

    private static Map<String, String> strings(List<KeyValue> kvs) {
        Map<String, String> out = new TreeMap<>();
        for (KeyValue kv : kvs) {
            AnyValue v = kv.getValue();
            out.put(kv.getKey(), switch (v.getValueCase()) {
                case STRING_VALUE -> v.getStringValue();
                case INT_VALUE -> Long.toString(v.getIntValue());
                case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
                case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
                default -> v.toString();
            });
        }
        return out;
    }
}
