package dev.headroom.agent.demo;

import dev.headroom.autoscaler.policy.DecisionReason;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The second act's report: a chart of replicas over time with the load and saturation that drove them
 * ({@code headroom-demo-scaling.png}), the data ({@code .csv}) and a Markdown summary ({@code .md}) that says when the
 * policy scaled up and down, and why.
 */
public final class ScalingReport {

    static final String CHART = "headroom-demo-scaling.png";
    static final String DATA = "headroom-demo-scaling.csv";
    static final String SUMMARY = "headroom-demo-scaling.md";

    private final List<ScalingTick> ticks;
    private final ScalingDemo.Options options;

    public ScalingReport(List<ScalingTick> ticks, ScalingDemo.Options options) {
        if (ticks.isEmpty()) {
            throw new IllegalArgumentException("the scaling act recorded no ticks: nothing to report");
        }
        this.ticks = List.copyOf(ticks);
        this.options = options;
    }

    /** Writes the data, the chart (when fonts allow) and the summary into {@code directory}; returns the summary. */
    public Path writeTo(Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(DATA), csv(), StandardCharsets.UTF_8);
        String chartLine;
        try {
            ChartUtils.saveChartAsPNG(directory.resolve(CHART).toFile(), chart(), 1200, 800);
            chartLine = "![replicas, load and saturation over time](" + CHART + ")";
        } catch (RuntimeException | Error e) {
            chartLine = "The chart could not be drawn (" + e + "); install fontconfig and a font (e.g. Debian's "
                    + "fonts-dejavu-core) for it. The data is in " + DATA + ".";
        }
        Path summary = directory.resolve(SUMMARY);
        Files.writeString(summary, summary(chartLine), StandardCharsets.UTF_8);
        return summary;
    }

    String csv() {
        StringBuilder out = new StringBuilder("elapsed_s,offered_rps,desired,ready,starting,running,queue,"
                + "kv_utilization,saturation,reason,completed,failed\n");
        for (ScalingTick t : ticks) {
            out.append(String.format(Locale.ROOT, "%.1f,%.3f,%d,%d,%d,%s,%s,%s,%s,%s,%d,%d%n", t.elapsedSeconds(),
                    t.offeredRps(), t.desired(), t.ready(), t.starting(), number(t.running()), number(t.queue()),
                    number(t.kvUtilization()), number(t.saturation()), t.reason(), t.completed(), t.failed()));
        }
        return out.toString();
    }

    private static String number(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "";
    }

    String summary(String chartLine) {
        ScalingTick last = ticks.get(ticks.size() - 1);
        StringBuilder md = new StringBuilder("# Headroom demo, act 2: scaling on saturation\n\n");
        md.append(String.format(Locale.ROOT, "Load ramped from %.1f to %.1f requests/s over %d s and back over %d s, then stayed there %d s, "
                        + "through a least-loaded balancer. The controller's policy (the HPA's algorithm over Headroom's "
                        + "signals) decided every %d s between 1 and %d replicas; a new replica took %d s to become "
                        + "ready; the scale-down window was %d s (the HPA's default is 300 s).%n%n",
                options.fromRps(), options.toRps(), options.rampUp().toSeconds(), options.rampDown().toSeconds(),
                options.hold().toSeconds(), options.interval().toSeconds(), options.maxReplicas(), options.coldStart().toSeconds(),
                options.scaleDownWindow().toSeconds()));
        md.append(chartLine).append("\n\n");
        int peak = ticks.stream().mapToInt(ScalingTick::desired).max().orElse(0);
        md.append("| moment | time | offered load | replicas (ready) | queue | saturation | decision |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        first(DecisionReason.SCALE_UP.value()).ifPresent(t -> md.append(row("first scale-up", t)));
        ticks.stream().filter(t -> t.desired() == peak).findFirst().ifPresent(t -> md.append(row("peak replicas", t)));
        first(DecisionReason.SCALE_DOWN.value()).ifPresent(t -> md.append(row("first scale-down", t)));
        md.append(row("end", last)).append('\n');

        Map<String, Integer> reasons = new TreeMap<>();
        ticks.forEach(t -> reasons.merge(t.reason(), 1, Integer::sum));
        md.append("Decisions by reason (one a second): ");
        StringBuilder list = new StringBuilder();
        reasons.forEach((r, n) -> list.append(list.length() == 0 ? "" : ", ").append('`').append(r).append("` ").append(n));
        md.append(list).append(".\n\n");
        md.append(String.format(Locale.ROOT, "Peak: %d replicas. Requests completed: %d, rejected or failed: %d.%n",
                peak, last.completed(), last.failed()));
        return md.toString();
    }

    private Optional<ScalingTick> first(String reason) {
        return ticks.stream().filter(t -> t.reason().equals(reason)).findFirst();
    }

    private static String row(String moment, ScalingTick t) {
        return String.format(Locale.ROOT, "| %s | %.0f s | %.1f req/s | %d (%d) | %s | %s | %s |%n", moment,
                t.elapsedSeconds(), t.offeredRps(), t.desired(), t.ready(), DemoReport.number(t.queue()),
                DemoReport.number(t.saturation()), t.message().replace("|", "\\|"));
    }

    JFreeChart chart() {
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("seconds since the load started"));
        plot.setGap(12);

        XYSeriesCollection replicas = new XYSeriesCollection();
        replicas.addSeries(series("replicas desired", ScalingTick::desired));
        replicas.addSeries(series("replicas ready", ScalingTick::ready));
        XYPlot top = plot(replicas, "replicas", new XYStepRenderer(), new Color[] {new Color(0x1f77b4), new Color(0x2ca02c)});
        ((NumberAxis) top.getRangeAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        top.getRangeAxis().setRange(0, options.maxReplicas() + 0.5);
        plot.add(top, 2);

        XYSeriesCollection load = new XYSeriesCollection();
        load.addSeries(series("offered load (requests/s)", ScalingTick::offeredRps));
        load.addSeries(series("waiting requests (all replicas)", ScalingTick::queue));
        plot.add(plot(load, "requests", new XYLineAndShapeRenderer(true, false),
                new Color[] {new Color(0xff7f0e), new Color(0x9467bd)}), 2);

        XYSeriesCollection saturation = new XYSeriesCollection();
        saturation.addSeries(series("saturation, mean of ready replicas (axis clipped at 2)", ScalingTick::saturation));
        XYPlot bottom = plot(saturation, "saturation", new XYLineAndShapeRenderer(true, false),
                new Color[] {new Color(0xd62728)});
        bottom.getRangeAxis().setRange(0, 2);
        bottom.addRangeMarker(Charts.dashedLine(1.0));
        plot.add(bottom, 1);

        JFreeChart chart = new JFreeChart("Replicas follow saturation: up on the queue, down after the window",
                JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private XYSeries series(String name, ToDoubleFunction<ScalingTick> value) {
        return Charts.series(name, ticks, ScalingTick::elapsedSeconds, value);
    }

    private static XYPlot plot(XYSeriesCollection data, String axis, XYItemRenderer renderer, Color[] colours) {
        return Charts.plot(data, axis, renderer, colours);
    }
}
