package dev.headroom.agent.cli;

import dev.headroom.collectors.engine.EngineSample;
import dev.headroom.collectors.engine.Histogram;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An {@link EngineSample} as JSON for people: snake_case keys, histograms as bucket → cumulative count, and the
 * readings rejected (left out: unknown, not zero, not as read) with the reason and what was read.
 */
record SampleJson(String scrapedAt, Map<String, String> engine, Map<String, Double> gauges, Map<String, Double> counters,
                  Map<String, HistogramJson> latencies, Map<String, String> rejected) {

    record HistogramJson(double count, double sum, Map<String, Double> buckets) {
    }

    static SampleJson of(EngineSample s) {
        Map<String, String> engine = new LinkedHashMap<>();
        engine.put("dialect", s.engine().dialect());
        engine.put("model", s.engine().model());
        engine.put("version", s.engine().version());
        s.engine().deployment().ifPresent(d -> engine.put("deployment", d));
        Map<String, Double> gauges = new LinkedHashMap<>();
        s.gauges().forEach((k, v) -> gauges.put(key(k), v));
        Map<String, Double> counters = new LinkedHashMap<>();
        s.counters().forEach((k, v) -> counters.put(key(k), v));
        Map<String, HistogramJson> latencies = new LinkedHashMap<>();
        s.latencies().forEach((k, h) -> latencies.put(key(k), histogram(h)));
        Map<String, String> rejected = new LinkedHashMap<>();
        s.rejections().forEach(r -> rejected.putIfAbsent(key(r.reading()), r.toString()));
        return new SampleJson(s.scrapedAt().toString(), engine, gauges, counters, latencies, rejected);
    }

    private static HistogramJson histogram(Histogram h) {
        Map<String, Double> buckets = new LinkedHashMap<>();
        for (int i = 0; i < h.bucketCount(); i++) {
            double le = h.upperBound(i);
            buckets.put(Double.isInfinite(le) ? "+Inf" : String.valueOf(le), h.cumulativeCount(i));
        }
        return new HistogramJson(h.count(), h.sum(), buckets);
    }

    private static String key(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
