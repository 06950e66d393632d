package dev.headroom.agent.otel;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
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
