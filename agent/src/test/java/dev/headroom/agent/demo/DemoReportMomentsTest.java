package dev.headroom.agent.demo;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.Marker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.Layer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Act 1's two moments come from the measured series, by their thresholds: GPU utilisation pinned, and the
 * replica full (KV cache full, or a queue that stays). The chart marks them where they are, the summary lists them.
 */
class DemoReportMomentsTest {

    /** A second of the ramp: only the series the moments read vary. */
    private static DemoTick tick(double seconds, double gpu, double kv, double queue) {
        return new DemoTick(seconds, seconds / 2, 4, queue, kv, 500, 0.2, gpu, kv / 0.8, 0, 0);
    }

    @Test
    void theGpuPinsFirstAndAQueueHeldMakesTheReplicaFullAtItsStart() {
        List<DemoTick> ticks = List.of(
                tick(0, 0.30, 0.05, 0),
                tick(1, 0.95, 0.10, 0), // pinned, with the KV cache almost empty
                tick(2, 1.00, 0.20, 1), // a waiting request for one second: a burst, not a queue
                tick(3, 1.00, 0.30, 0),
                tick(4, 1.00, 0.50, 2), // from here requests wait three seconds in a row
                tick(5, 1.00, 0.60, 3),
                tick(6, 1.00, 0.70, 5),
                tick(7, 1.00, 0.97, 9));
        DemoReport report = new DemoReport(ticks);

        DemoReport.Moments m = report.moments();
        assertThat(m.gpuPinned()).hasValueSatisfying(t -> assertThat(t.elapsedSeconds()).isEqualTo(1));
        assertThat(m.replicaFull()).hasValueSatisfying(t -> assertThat(t.elapsedSeconds()).isEqualTo(4));

        // Every panel has both lines, at those seconds; the top panel names them.
        CombinedDomainXYPlot plot = (CombinedDomainXYPlot) report.chart().getXYPlot();
        List<XYPlot> panels = plot.getSubplots();
        assertThat(panels).hasSize(3).allSatisfy(p -> assertThat(positions(p)).containsExactly(1.0, 4.0));
        assertThat(labels(panels.get(0))).containsExactly("GPU pinned (95 %), replica not full at 1 s",
                "replica full at 4 s");

        assertThat(report.summary("chart"))
                .contains("| GPU utilisation first ≥ 90 % | 1 s |")
                .contains("| " + DemoReport.FULL_LABEL + " | 4 s |");
    }

    @Test
    void aFullKvCacheMakesTheReplicaFullWithoutAQueue() {
        DemoReport report = new DemoReport(List.of(
                tick(0, 0.92, 0.40, 0),
                tick(1, 1.00, 0.94, 0),
                tick(2, 1.00, 0.95, 0),
                tick(3, 1.00, 0.99, 1)));
        assertThat(report.moments().replicaFull()).hasValueSatisfying(t -> assertThat(t.elapsedSeconds()).isEqualTo(2));
        assertThat(report.moments().gpuPinned()).hasValueSatisfying(t -> assertThat(t.elapsedSeconds()).isZero());
    }

    @Test
    void aRunThatNeverGetsThereHasNoMarks() {
        DemoReport report = new DemoReport(List.of(
                tick(0, 0.20, 0.05, 0),
                tick(1, 0.85, 0.30, 1),
                tick(2, 0.89, 0.60, 1),
                tick(3, Double.NaN, Double.NaN, Double.NaN))); // unknown is not full
        assertThat(report.moments().gpuPinned()).isEmpty();
        assertThat(report.moments().replicaFull()).isEmpty();
        JFreeChart chart = report.chart();
        assertThat(((CombinedDomainXYPlot) chart.getXYPlot()).getSubplots())
                .allSatisfy(p -> assertThat(positions((XYPlot) p)).isEmpty());
        assertThat(report.summary("chart")).doesNotContain(DemoReport.FULL_LABEL);
    }

    private static List<Double> positions(XYPlot panel) {
        List<Double> out = new ArrayList<>();
        markers(panel).forEach(m -> out.add(((ValueMarker) m).getValue()));
        return out;
    }

    private static List<String> labels(XYPlot panel) {
        List<String> out = new ArrayList<>();
        markers(panel).forEach(m -> out.add(m.getLabel()));
        return out;
    }

    private static Collection<Marker> markers(XYPlot panel) {
        Collection<Marker> m = panel.getDomainMarkers(Layer.FOREGROUND);
        return m == null ? List.of() : m;
    }
}
