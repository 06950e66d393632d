package dev.headroom.evaluation;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Writes an {@link EvaluationResult} as Markdown ({@value #REPORT}) and one chart ({@value #CHART}): per
 * policy, the offered load and the replicas over time; and, for machines, {@link ResultsJson}'s two files.
 */
public final class ReportWriter {

    public static final String REPORT = "evaluation.md";
    public static final String CHART = "evaluation-replicas.png";

    /** Headroom's done-when: attainment at least the SLO's target with at most this × the oracle's GPU-hours. */
    public static final double GPU_HOURS_BOUND = 1.15;

    private ReportWriter() {
    }

    /**
     * Writes the report, the chart, {@value ResultsJson#RESULTS} and {@value ResultsJson#SCENARIO} into
     * {@code folder} (created if missing) and returns the report's path.
     *
     * @param command the command line that made the run, quoted in the report
     */
    public static Path write(EvaluationResult result, Path folder, String command) throws IOException {
        Files.createDirectories(folder);
        writeChart(result, folder.resolve(CHART));
        Path report = folder.resolve(REPORT);
        Files.writeString(report, markdown(result, command, CHART), StandardCharsets.UTF_8);
        ResultsJson.write(result, folder);
        return report;
    }

    /** The report's text; {@code chart} is the image's path relative to the report. */
    public static String markdown(EvaluationResult result, String command, String chart) {
        Scenario s = result.scenario();
        ScenarioOptions o = s.options();
        Slo slo = s.slo();
        StringBuilder b = new StringBuilder();
        b.append("## Run\n\n```\n").append(command).append("\n```\n\n");
        b.append(String.format(Locale.ROOT,
                "- Trace: %s, %s ×%.2f, in %d pass(es)"
                        + " end to end filling %.0f s: %,d requests (mean %.1f req/s, peak %.1f req/s over %.0f s);"
                        + " %d rows clipped to the engine's length limit, %d empty rows left out.%n",
                s.source(), o.rateScaling() == ScenarioOptions.RateScaling.SUPERPOSE
                        ? String.format(Locale.ROOT, "on its own clock, rate scaled by superposed copies (jitter %.0f s,"
                                + " seeded)", o.jitterSeconds())
                        : "time-compressed", s.replay().rateMultiplier(), s.replay().passes(),
                s.replay().durationSeconds(), s.requests().size(), s.replay().meanRate(), s.replay().peakRate(),
                s.replay().peakWindowSeconds(), s.replay().clipped(), s.replay().droppedEmpty()));
        b.append("- Sized ").append(s.notes().sizing()).append(". Timestamps: ").append(s.notes().timestamps())
                .append(".\n");
        for (String w : s.notes().warnings()) {
            b.append("- **Warning**: ").append(w).append(".\n");
        }
        b.append(String.format(Locale.ROOT,
                "- Cluster: %s per replica (%d GPU), %s balancing, cold start %.0f s, decisions every %.0f s,"
                        + " sidecars scrape every %.0f s, 1–%d replicas.%n",
                o.engine().modelName(), s.cluster().gpusPerReplica(), o.balancer().name().toLowerCase(Locale.ROOT),
                s.cluster().coldStartSeconds(), s.cluster().controlIntervalSeconds(), s.cluster().scrapeIntervalSeconds(),
                o.maxReplicas()));
        b.append("- Scale-in: termination grace period ").append(Double.isInfinite(s.cluster().terminationGraceSeconds())
                ? "unbounded (a replica scaled away finishes what it holds)"
                : Numbers.plain(s.cluster().terminationGraceSeconds()) + " s (what a replica scaled away still holds then fails,"
                + " counted against the SLO)").append("; victims per policy in the table (drain-aware: the emptiest"
                + " first, by pod-deletion-cost from live load; default: Kubernetes' order).\n");
        b.append(String.format(Locale.ROOT,
                "- SLO: TTFT ≤ %s s and mean ITL ≤ %s s per request, target %s %% of requests. Seed %d.%n",
                Numbers.plain(slo.ttftSeconds()), Numbers.plain(slo.itlSeconds()), Numbers.plain(slo.attainmentTarget() * 100), o.seed()));
        b.append(oracleLine(result.oracle()));
        b.append(String.format(Locale.ROOT,
                "- Wall time: %.1f s for everything (sizing, the oracle's plan and %d policies on %d threads).%n%n",
                result.wallSeconds(), result.results().size(), result.threads()));

        Optional<PolicyResult> oracle = result.result("oracle");
        b.append("| policy | SLO attained | GPU-hours | × oracle | scale events | replicas mean / max |"
                + " lost to scale-in (cut off) | victims |"
                + " TTFT p50 / p95 / p99 (s) | ITL p50 / p95 / p99 (ms) | wall (s) |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (PolicyResult r : result.results()) {
            String ratio = oracle.map(or -> String.format(Locale.ROOT, "%.2f", r.gpuHours() / or.gpuHours())).orElse("–");
            b.append(String.format(Locale.ROOT,
                    "| %s | %.2f %% | %.2f | %s | %d | %.1f / %d | %,d (%,d) | %s | %s / %s / %s | %s / %s / %s | %.1f |%n",
                    r.name(), r.sloAttainment() * 100, r.gpuHours(), ratio, r.scaleEvents(), r.meanReplicas(),
                    r.maxReplicas(), r.scaleIn().lost(), r.scaleIn().cutOff(), r.scaleIn().victimOrder(), sec(r.ttft().p50()), sec(r.ttft().p95()), sec(r.ttft().p99()),
                    ms(r.itl().p50()), ms(r.itl().p95()), ms(r.itl().p99()), r.wallSeconds()));
        }
        b.append('\n');
        for (PolicyResult r : result.results()) {
            b.append("- `").append(r.name()).append("`: ").append(r.description()).append('\n');
        }
        b.append('\n');
        List<String> misses = new ArrayList<>();
        for (PolicyResult r : result.results()) {
            whereMissesFell(r).ifPresent(misses::add);
        }
        if (!misses.isEmpty()) {
            b.append("Where the misses fell (by arrival; a policy's misses packed into a few minutes are one event, ")
                    .append("such as a start or a first rise, not a steady shortfall):\n\n");
            misses.forEach(line -> b.append("- ").append(line).append('\n'));
            b.append('\n');
        }
        b.append(verdict(result)).append("\n\n");
        b.append("![load and replicas over time, per policy](").append(chart).append(")\n");
        return b.toString();
    }

    /** Minutes over which {@link #whereMissesFell} reports the densest share of a policy's misses. */
    static final double MISS_SPAN_SECONDS = 300;

    /**
     * One line on when a policy's misses arrived: how many, from when to when, and the share the densest
     * {@link #MISS_SPAN_SECONDS} hold; empty when it missed nothing.
     */
    static Optional<String> whereMissesFell(PolicyResult r) {
        PolicyResult.Timeline t = r.timeline();
        int total = t.missedTotal();
        if (total == 0) {
            return Optional.empty();
        }
        int first = -1;
        int last = -1;
        for (int i = 0; i < t.size(); i++) {
            if (t.missed()[i] > 0) {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        int densest = 0;
        int densestFrom = 0;
        int inSpan = 0;
        int from = 0;
        for (int i = 0; i < t.size(); i++) {
            inSpan += t.missed()[i];
            while (t.seconds()[i] - (from == 0 ? 0 : t.seconds()[from - 1]) > MISS_SPAN_SECONDS) {
                inSpan -= t.missed()[from++];
            }
            if (inSpan > densest) {
                densest = inSpan;
                densestFrom = from;
            }
        }
        while (t.missed()[densestFrom] == 0) {
            densestFrom++; // the span is told from its first miss
        }
        double start = first == 0 ? 0 : t.seconds()[first - 1];
        return Optional.of(String.format(Locale.ROOT,
                "`%s`: %,d requests missed (%.2f %%), arriving from %.0f s to %.0f s; the densest %.0f minutes"
                        + " (from %.0f s) hold %.0f %% of them",
                r.name(), total, 100.0 * total / Math.max(1, r.requests()), start, t.seconds()[last],
                MISS_SPAN_SECONDS / 60, densestFrom == 0 ? 0 : t.seconds()[densestFrom - 1], 100.0 * densest / total));
    }

    /** The oracle's account: a reference or not, and why; its peak, its own attainment, how it was found. */
    static String oracleLine(OracleSummary o) {
        if (o == OracleSummary.NOT_COMPUTED) {
            return "- Oracle: not computed.\n";
        }
        StringBuilder b = new StringBuilder("- Oracle: ");
        b.append(o.feasible() ? "feasible" : "**INFEASIBLE** (" + String.join("; ", o.infeasibleBecause()) + ")");
        b.append(String.format(Locale.ROOT, "; attains %.2f %% in a whole run; the busiest interval needs %d replicas"
                + " (%.2f req/s per replica there)", o.attainment() * 100, o.peakReplicas(), o.peakLoadPerReplica()));
        if (o.uncappedPeak() > o.peakReplicas()) {
            b.append(String.format(Locale.ROOT, ", %d without --max-replicas", o.uncappedPeak()));
        }
        b.append(String.format(Locale.ROOT, "; planned by %,d window simulations over %d intervals and %d repair(s),"
                + " in %.1f s", o.simulations(), o.intervals(), o.repairs(), o.wallSeconds()));
        if (o.impossibleRequests() > 0) {
            b.append(String.format(Locale.ROOT, "; %,d requests miss the SLO on any number of replicas: %s",
                    o.impossibleRequests(), o.impossibleReason()));
        }
        return b.append(".\n").toString();
    }

    /**
     * Headroom's done-when, stated plainly for each Headroom set-up in the run: {@code headroom-slo} (the SLO as the
     * only input, what {@code policy.md} recommends) first, then {@code headroom} (hand targets): met or not, and by
     * how much.
     */
    public static String verdict(EvaluationResult result) {
        Optional<PolicyResult> oracle = result.result("oracle");
        List<PolicyResult> judged = new ArrayList<>();
        result.result("headroom-slo").ifPresent(judged::add);
        result.result("headroom").ifPresent(judged::add);
        if (judged.isEmpty() || oracle.isEmpty()) {
            return "**Verdict**: not computed (the run lacks a Headroom policy or the oracle).";
        }
        double target = result.scenario().slo().attainmentTarget();
        StringBuilder b = new StringBuilder("**Verdict** (target: ≥ ")
                .append(Numbers.plain(target * 100)).append(" % SLO attainment with ≤ ")
                .append(Numbers.plain(GPU_HOURS_BOUND)).append(" × the oracle's GPU-hours): ");
        for (int i = 0; i < judged.size(); i++) {
            PolicyResult h = judged.get(i);
            double ratio = h.gpuHours() / oracle.get().gpuHours();
            boolean sloMet = h.sloAttainment() >= target;
            boolean costMet = ratio <= GPU_HOURS_BOUND;
            b.append(i == 0 ? "" : " ").append(h.name())
                    .append(h.name().equals("headroom-slo") ? " (the SLO alone): " : " (hand targets): ");
            b.append(String.format(Locale.ROOT,
                    "SLO attainment %.2f %% — %s; GPU-hours %.2f = %.2f × the oracle's %.2f — %s.",
                    h.sloAttainment() * 100,
                    sloMet ? "met" : String.format(Locale.ROOT, "**not met**, %.2f points short",
                            (target - h.sloAttainment()) * 100),
                    h.gpuHours(), ratio, oracle.get().gpuHours(),
                    costMet ? "met" : String.format(Locale.ROOT, "**not met**, %.0f %% over the bound",
                            (ratio / GPU_HOURS_BOUND - 1) * 100)));
        }
        if (!result.oracle().feasible() && result.oracle() != OracleSummary.NOT_COMPUTED) {
            b.append(" The oracle is infeasible for this scenario, so the ratio is to a plan that is not a reference.");
        }
        return b.toString();
    }

    static void writeChart(EvaluationResult result, Path png) throws IOException {
        NumberAxis time = new NumberAxis("time (s)");
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(time);
        combined.setGap(8);
        int most = 1;
        double rateMost = 1;
        for (PolicyResult r : result.results()) {
            most = Math.max(most, r.maxReplicas());
            for (double v : r.timeline().arrivalRate()) {
                rateMost = Math.max(rateMost, v);
            }
        }
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
        for (PolicyResult r : result.results()) {
            PolicyResult.Timeline t = r.timeline();
            XYSeries desired = new XYSeries("replicas asked for");
            XYSeries ready = new XYSeries("replicas ready");
            XYSeries load = new XYSeries("offered load (req/s)");
            for (int i = 0; i < t.size(); i++) {
                desired.add(t.seconds()[i], t.desired()[i]);
                ready.add(t.seconds()[i], t.ready()[i]);
                load.add(t.seconds()[i], t.arrivalRate()[i]);
            }
            XYSeriesCollection replicas = new XYSeriesCollection();
            replicas.addSeries(desired);
            replicas.addSeries(ready);
            NumberAxis replicaAxis = new NumberAxis(r.name());
            replicaAxis.setRange(0, most + 1);
            replicaAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            replicaAxis.setLabelFont(small);
            XYStepRenderer steps = new XYStepRenderer();
            steps.setSeriesPaint(0, new Color(0xD62728));
            steps.setSeriesPaint(1, new Color(0x1F77B4));
            steps.setSeriesStroke(0, new BasicStroke(1.2f));
            steps.setSeriesStroke(1, new BasicStroke(1.6f));
            XYPlot plot = new XYPlot(replicas, null, replicaAxis, steps);
            NumberAxis loadAxis = new NumberAxis("req/s");
            loadAxis.setRange(0, rateMost * 1.1);
            loadAxis.setLabelFont(small);
            plot.setRangeAxis(1, loadAxis);
            plot.setDataset(1, new XYSeriesCollection(load));
            plot.mapDatasetToRangeAxis(1, 1);
            XYLineAndShapeRenderer line = new XYLineAndShapeRenderer(true, false);
            line.setSeriesPaint(0, new Color(0x999999));
            line.setSeriesStroke(0, new BasicStroke(0.8f));
            plot.setRenderer(1, line);
            plot.setBackgroundPaint(Color.WHITE);
            plot.setRangeGridlinePaint(new Color(0xDDDDDD));
            plot.setDomainGridlinePaint(new Color(0xDDDDDD));
            combined.add(plot, 1);
        }
        JFreeChart chart = new JFreeChart("Offered load (grey, right axis) and replicas (blue ready, red asked for)",
                new Font(Font.SANS_SERIF, Font.BOLD, 13), combined, false);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1200, 140 * result.results().size() + 80);
    }

    private static String sec(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.0f", v * 1000);
    }

    /** The policy names of a result, for callers that list them. */
    public static List<String> names(EvaluationResult result) {
        return result.results().stream().map(PolicyResult::name).toList();
    }
}
