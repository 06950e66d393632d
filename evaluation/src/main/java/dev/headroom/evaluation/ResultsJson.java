package dev.headroom.evaluation;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The evaluation for machines: {@value #RESULTS}, an array with one object per policy in report order, and
 * {@value #SCENARIO}, what was run and whether the oracle is a reference for it ({@code oracle_feasible}).
 * Written with jackson-core's streaming generator, never by string concatenation, so names and descriptions
 * are escaped as JSON requires. Fractions are fractions (attainment 0.9986, not 99.86); times are seconds;
 * a figure that is unknown (a quantile of no request, a ratio to an oracle that was not run) is {@code null},
 * never 0.
 */
public final class ResultsJson {

    public static final String RESULTS = "results.json";
    public static final String SCENARIO = "scenario.json";

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private ResultsJson() {
    }

    /** Writes both files into {@code folder} (created if missing). */
    public static void write(EvaluationResult result, Path folder) throws IOException {
        Files.createDirectories(folder);
        try (OutputStream out = Files.newOutputStream(folder.resolve(RESULTS));
             JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            results(result, g);
        }
        try (OutputStream out = Files.newOutputStream(folder.resolve(SCENARIO));
             JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            scenario(result, g);
        }
    }

    /**
     * Both files' content as one JSON object, {@code {"scenario": …, "results": […]}}: what
     * {@code headroom evaluate --output json} prints.
     */
    public static String document(EvaluationResult result) throws IOException {
        java.io.StringWriter text = new java.io.StringWriter();
        try (JsonGenerator g = JSON.createGenerator(text)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeFieldName("scenario");
            scenario(result, g);
            g.writeFieldName("results");
            results(result, g);
            g.writeEndObject();
        }
        return text.toString();
    }

    static void results(EvaluationResult result, JsonGenerator g) throws IOException {
        Optional<PolicyResult> oracle = result.result("oracle");
        double target = result.scenario().slo().attainmentTarget();
        g.writeStartArray();
        for (PolicyResult r : result.results()) {
            g.writeStartObject();
            g.writeStringField("policy", r.name());
            number(g, "slo_attainment", r.sloAttainment());
            number(g, "gpu_hours", r.gpuHours());
            number(g, "vs_oracle", oracle.map(o -> r.gpuHours() / o.gpuHours()).orElse(Double.NaN));
            g.writeBooleanField("meets_slo_target", r.sloAttainment() >= target);
            g.writeNumberField("requests", r.requests());
            g.writeNumberField("scale_events", r.scaleEvents());
            g.writeNumberField("lost_to_scale_in", r.scaleIn().lost());
            g.writeNumberField("cut_off_by_scale_in", r.scaleIn().cutOff());
            g.writeStringField("victim_order", r.scaleIn().victimOrder());
            number(g, "replicas_mean", r.meanReplicas());
            g.writeNumberField("replicas_max", r.maxReplicas());
            quantiles(g, "ttft_seconds", r.ttft());
            quantiles(g, "itl_seconds", r.itl());
            number(g, "wall_seconds", r.wallSeconds());
            g.writeStringField("description", r.description());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    static void scenario(EvaluationResult result, JsonGenerator g) throws IOException {
        Scenario s = result.scenario();
        ScenarioOptions o = s.options();
        OracleSummary oracle = result.oracle();
        g.writeStartObject();
        g.writeBooleanField("oracle_feasible", oracle.feasible());
        g.writeArrayFieldStart("oracle_infeasible_because");
        for (String why : oracle.infeasibleBecause()) {
            g.writeString(why);
        }
        g.writeEndArray();
        g.writeObjectFieldStart("oracle");
        g.writeNumberField("peak_replicas", oracle.peakReplicas());
        g.writeNumberField("uncapped_peak_replicas", oracle.uncappedPeak());
        g.writeNumberField("capped_intervals", oracle.cappedIntervals());
        g.writeNumberField("intervals", oracle.intervals());
        number(g, "slo_attainment", oracle.attainment());
        number(g, "peak_requests_per_second_per_replica", oracle.peakLoadPerReplica());
        g.writeNumberField("repairs", oracle.repairs());
        g.writeNumberField("window_simulations", oracle.simulations());
        g.writeNumberField("requests_failing_alone", oracle.impossibleRequests());
        if (!oracle.impossibleReason().isEmpty()) {
            g.writeStringField("requests_failing_alone_because", oracle.impossibleReason());
        }
        number(g, "wall_seconds", oracle.wallSeconds());
        g.writeEndObject();

        g.writeObjectFieldStart("trace");
        g.writeStringField("source", s.source());
        g.writeStringField("timestamps", s.notes().timestamps());
        g.writeStringField("rate_scaling", o.rateScaling().name().toLowerCase(java.util.Locale.ROOT));
        number(g, "rate_multiplier", s.replay().rateMultiplier());
        number(g, "jitter_seconds", o.jitterSeconds());
        g.writeNumberField("passes", s.replay().passes());
        g.writeNumberField("requests", s.requests().size());
        number(g, "duration_seconds", s.replay().durationSeconds());
        number(g, "mean_requests_per_second", s.replay().meanRate());
        number(g, "peak_requests_per_second", s.replay().peakRate());
        number(g, "peak_window_seconds", s.replay().peakWindowSeconds());
        g.writeNumberField("rows_outside_window", s.replay().outsideWindow());
        g.writeNumberField("rows_empty_dropped", s.replay().droppedEmpty());
        g.writeNumberField("rows_clipped", s.replay().clipped());
        g.writeNumberField("rows_too_long_dropped", s.replay().droppedTooLong());
        g.writeNumberField("rows_thinned", s.replay().thinned());
        g.writeNumberField("rows_past_duration", s.replay().pastDuration());
        g.writeEndObject();

        g.writeObjectFieldStart("sizing");
        g.writeStringField("by", o.peakReplicas() > 0 ? "peak_replicas" : "peak_rate");
        if (o.peakReplicas() > 0) {
            g.writeNumberField("peak_replicas", o.peakReplicas());
        } else {
            number(g, "peak_rate", o.peakRate());
        }
        g.writeStringField("account", s.notes().sizing());
        g.writeEndObject();

        g.writeObjectFieldStart("cluster");
        g.writeStringField("model", o.engine().modelName());
        g.writeNumberField("gpus_per_replica", s.cluster().gpusPerReplica());
        g.writeNumberField("min_replicas", s.cluster().minReplicas());
        g.writeNumberField("max_replicas", s.cluster().maxReplicas());
        number(g, "cold_start_seconds", s.cluster().coldStartSeconds());
        // null: unbounded (a replica scaled away finishes what it holds).
        number(g, "termination_grace_seconds", s.cluster().terminationGraceSeconds());
        number(g, "control_interval_seconds", s.cluster().controlIntervalSeconds());
        number(g, "scrape_interval_seconds", s.cluster().scrapeIntervalSeconds());
        g.writeStringField("balancer", o.balancer().name().toLowerCase(java.util.Locale.ROOT));
        g.writeEndObject();

        g.writeObjectFieldStart("slo");
        number(g, "ttft_seconds", s.slo().ttftSeconds());
        number(g, "itl_seconds", s.slo().itlSeconds());
        number(g, "attainment_target", s.slo().attainmentTarget());
        g.writeEndObject();

        g.writeNumberField("seed", o.seed());
        g.writeArrayFieldStart("warnings");
        for (String w : s.notes().warnings()) {
            g.writeString(w);
        }
        g.writeEndArray();
        number(g, "wall_seconds", result.wallSeconds());
        g.writeEndObject();
    }

    private static void quantiles(JsonGenerator g, String name, PolicyResult.Quantiles q) throws IOException {
        g.writeObjectFieldStart(name);
        number(g, "p50", q.p50());
        number(g, "p95", q.p95());
        number(g, "p99", q.p99());
        g.writeEndObject();
    }

    /** A finite number as itself, anything else (unknown) as null. */
    private static void number(JsonGenerator g, String name, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumberField(name, v);
        } else {
            g.writeNullField(name);
        }
    }
}
