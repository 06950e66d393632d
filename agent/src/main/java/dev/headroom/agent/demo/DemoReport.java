package dev.headroom.agent.demo;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/**
 * Writes the demo's report: a chart ({@code headroom-demo.png}) and a short Markdown summary
 * ({@code headroom-demo.md}) that states, in numbers, when GPU utilisation looked full and when the replica
 * actually was.
 */
public final class DemoReport {

    /** GPU utilisation at or above this reads as "busy" on a dashboard: pinned, to anyone scaling on it. */
    static final double GPU_BUSY = 0.90;
    /** KV-cache occupancy at or above this is a full cache: a new request waits or preempts another. */
    static final double KV_FULL = 0.95;
    /**
     * Ticks in a row with requests waiting that make a queue building rather than a burst: a waiting request or
     * two in one second happens well below capacity, a queue that stays does not.
     */
    static final int QUEUE_HELD_TICKS = 3;

    /**
     * The two moments act 1 is about, found in the measured series: when GPU utilisation first reads pinned, and
     * when the replica is really full (its KV cache full, or a queue held). Empty where the run never got there.
     */
    record Moments(Optional<DemoTick> gpuPinned, Optional<DemoTick> replicaFull) {
    }

    private final List<DemoTick> ticks;

    public DemoReport(List<DemoTick> ticks) {
        if (ticks.isEmpty()) {
            throw new IllegalArgumentException("the demo recorded no ticks: nothing to report");
        }
        this.ticks = List.copyOf(ticks);
    }

    /**
     * Writes the chart, the data behind it ({@code headroom-demo.csv}) and the summary into {@code directory};
     * returns the summary's path. Without fonts (a JRE stripped of fontconfig) the chart cannot be drawn: the
     * summary says so and the CSV still carries every number.
     */
    public Path writeTo(Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("headroom-demo.csv"), csv(), StandardCharsets.UTF_8);
        Path chart = directory.resolve("headroom-demo.png");
        String chartNote;
        try {
            ChartUtils.saveChartAsPNG(chart.toFile(), chart(), 1200, 800);
            chartNote = null;
        } catch (RuntimeException | Error e) {
            chartNote = "The chart could not be drawn (" + e + "); install fontconfig and a font (e.g. Debian's "
                    + "fonts-dejavu-core) for it. The data is in headroom-demo.csv.";
        }
        Path summary = directory.resolve("headroom-demo.md");
        String chartLine = chartNote != null ? chartNote
                : "![load, utilisation and saturation over time](" + chart.getFileName() + ")";
        Files.writeString(summary, summary(chartLine), StandardCharsets.UTF_8);
        return summary;
    }

    String csv() {
        StringBuilder out = new StringBuilder(
                "elapsed_s,offered_rps,running,queue,kv_utilization,generation_tps,ttft_p95_s,gpu_utilization,saturation,completed,failed\n");
        for (DemoTick t : ticks) {
            out.append(String.format(Locale.ROOT, "%.1f,%.3f,%s,%s,%s,%s,%s,%s,%s,%d,%d%n", t.elapsedSeconds(), t.offeredRps(),
                    csvNumber(t.running()), csvNumber(t.queue()), csvNumber(t.kvUtilization()), csvNumber(t.generationTps()),
                    csvNumber(t.ttftP95Seconds()), csvNumber(t.gpuUtilization()), csvNumber(t.saturation()), t.completed(), t.failed()));
        }
        return out.toString();
    }

    private static String csvNumber(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "";
    }

    Moments moments() {
        return new Moments(firstReaching(ticks, DemoTick::gpuUtilization, GPU_BUSY), firstFull(ticks));
    }

    /**
     * The first tick at which the replica is full: its KV cache at {@link #KV_FULL}, or the first of
     * {@link #QUEUE_HELD_TICKS} ticks in a row with requests waiting, whichever comes first.
     */
    static Optional<DemoTick> firstFull(List<DemoTick> ticks) {
        int waiting = 0;
        for (int i = 0; i < ticks.size(); i++) {
            DemoTick t = ticks.get(i);
            if (t.kvUtilization() >= KV_FULL) {
                return Optional.of(t);
            }
            waiting = t.queue() >= 1 ? waiting + 1 : 0;
            if (waiting == QUEUE_HELD_TICKS) {
                return Optional.of(ticks.get(i - QUEUE_HELD_TICKS + 1));
            }
        }
        return Optional.empty();
    }

    /** The first tick at which {@code value} reached {@code threshold}, if any. */
    static Optional<DemoTick> firstReaching(List<DemoTick> ticks, ToDoubleFunction<DemoTick> value, double threshold) {
        return ticks.stream().filter(t -> value.applyAsDouble(t) >= threshold).findFirst();
    }

    String summary(String chartLine) {
        StringBuilder md = new StringBuilder();
        DemoTick last = ticks.get(ticks.size() - 1);
        md.append("# Headroom demo report\n\n");
        md.append(String.format(Locale.ROOT, "Load ramped from %.1f to %.1f requests/s over %.0f s against one simulated engine.%n%n",
                ticks.get(0).offeredRps(), last.offeredRps(), last.elapsedSeconds()));
        md.append(chartLine).append("\n\n");

        Moments moments = moments();
        var gpuBusy = moments.gpuPinned();
        var saturated = firstReaching(ticks, DemoTick::saturation, 1.0);
        md.append("| moment | time | offered load | GPU utilisation | KV cache | queue | saturation |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        gpuBusy.ifPresent(t -> md.append(row(String.format(Locale.ROOT, "GPU utilisation first ≥ %.0f %%", GPU_BUSY * 100), t)));
        saturated.ifPresent(t -> md.append(row("saturation first ≥ 1.0 (a target reached)", t)));
        moments.replicaFull().ifPresent(t -> md.append(row(FULL_LABEL, t)));
        md.append(row("end of the ramp", last));
        md.append('\n');
        md.append("The chart marks the first and the last of these moments with vertical lines.\n\n");

        if (gpuBusy.isPresent() && saturated.isPresent()) {
            DemoTick g = gpuBusy.get();
            DemoTick s = saturated.get();
            md.append(String.format(Locale.ROOT,
                    "GPU utilisation read %.0f %% at %.0f s, with %.1f requests/s offered and the KV cache %s full. "
                            + "The replica reached its saturation target only at %.0f s, at %.1f requests/s: "
                            + "a GPU-utilisation autoscaler would have seen a full GPU for %.0f s while the replica still had headroom, "
                            + "and gives no signal of how close it is to full.%n",
                    g.gpuUtilization() * 100, g.elapsedSeconds(), g.offeredRps(), percent(g.kvUtilization()),
                    s.elapsedSeconds(), s.offeredRps(), s.elapsedSeconds() - g.elapsedSeconds()));
        } else if (saturated.isEmpty()) {
            md.append("Saturation never reached 1.0: the ramp did not overload the engine. Raise `--to-rps` or lengthen `--duration`.\n");
        }
        OptionalDouble worstTtft = ticks.stream().mapToDouble(DemoTick::ttftP95Seconds).filter(Double::isFinite).max();
        md.append(String.format(Locale.ROOT, "%nRequests completed: %d, failed or rejected: %d; worst TTFT p95 over the window: %s.%n",
                last.completed(), last.failed(),
                worstTtft.isPresent() ? String.format(Locale.ROOT, "%.2f s", worstTtft.getAsDouble()) : "unknown"));
        return md.toString();
    }

    private static String row(String moment, DemoTick t) {
        return String.format(Locale.ROOT, "| %s | %.0f s | %.1f req/s | %s | %s | %s | %s |%n", moment, t.elapsedSeconds(), t.offeredRps(),
                percent(t.gpuUtilization()), percent(t.kvUtilization()), number(t.queue()), number(t.saturation()));
    }

    static String percent(double ratio) {
        return Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.0f %%", ratio * 100) : "unknown";
    }

    static String number(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "unknown";
    }

    JFreeChart chart() {
        NumberAxis time = new NumberAxis("seconds since the ramp started");
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(time);
        plot.setGap(12);

        XYSeriesCollection ratios = new XYSeriesCollection();
        ratios.addSeries(series("GPU utilisation (what nvidia-smi shows)", t -> t.gpuUtilization() * 100));
        ratios.addSeries(series("KV cache in use", t -> t.kvUtilization() * 100));
        ratios.addSeries(series("saturation (100 = at target; axis clipped at 200)", t -> t.saturation() * 100));
        XYPlot top = linePlot(ratios, "percent", new Color[] {new Color(0x9e9e9e), new Color(0x1f77b4), new Color(0xd62728)});
        // Saturation climbs far past 100 % in overload; clip the axis so the pinned GPU line stays readable.
        top.getRangeAxis().setRange(0, 200);
        top.addRangeMarker(Charts.dashedLine(100));
        plot.add(top, 3);

        XYSeriesCollection load = new XYSeriesCollection();
        load.addSeries(series("offered load (requests/s)", DemoTick::offeredRps));
        load.addSeries(series("running requests", DemoTick::running));
        load.addSeries(series("waiting requests (queue)", DemoTick::queue));
        plot.add(linePlot(load, "requests", new Color[] {new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd)}), 2);

        XYSeriesCollection latency = new XYSeriesCollection();
        latency.addSeries(series("TTFT p95 (s)", DemoTick::ttftP95Seconds));
        plot.add(linePlot(latency, "seconds", new Color[] {new Color(0x8c564b)}), 1);

        // The two moments the act is about, as vertical lines across every panel; the top one names them.
        Moments moments = moments();
        moments.gpuPinned().ifPresent(t -> mark(plot, t, String.format(Locale.ROOT, "GPU pinned (%s), replica not full",
                percent(t.gpuUtilization())), new Color(0x616161), 0));
        // One line lower, so that two moments close together keep both labels readable.
        moments.replicaFull().ifPresent(t -> mark(plot, t, "replica full", new Color(0xd62728), 16));

        JFreeChart chart = new JFreeChart("GPU utilisation pins long before the replica is full", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** How the summary and the chart name the second moment, with the thresholds that define it. */
    static final String FULL_LABEL = String.format(Locale.ROOT, "replica full (KV cache ≥ %.0f %% or a queue held %d s)",
            KV_FULL * 100, QUEUE_HELD_TICKS);

    private void mark(CombinedDomainXYPlot plot, DemoTick at, String label, Color colour, double down) {
        // The label reads on the right of its line, or on its left late in the run, where the right would clip it.
        boolean late = at.elapsedSeconds() > 0.7 * ticks.get(ticks.size() - 1).elapsedSeconds();
        List<XYPlot> panels = plot.getSubplots();
        for (int i = 0; i < panels.size(); i++) {
            ValueMarker line = Charts.verticalLine(at.elapsedSeconds(), colour, !late, down);
            if (i == 0) {
                line.setLabel(String.format(Locale.ROOT, "%s at %.0f s", label, at.elapsedSeconds()));
            }
            panels.get(i).addDomainMarker(line);
        }
    }

    private XYSeries series(String name, ToDoubleFunction<DemoTick> value) {
        return Charts.series(name, ticks, DemoTick::elapsedSeconds, value);
    }

    private static XYPlot linePlot(XYSeriesCollection data, String axis, Color[] colours) {
        return Charts.plot(data, axis, new XYLineAndShapeRenderer(true, false), colours);
    }
}
