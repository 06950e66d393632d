package dev.headroom.agent.demo;

import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** The demo reports' chart parts: one look for both acts. */
final class Charts {

    private Charts() {
    }

    /** A time series; an unknown value (NaN) is drawn as a gap, never as zero. */
    static <T> XYSeries series(String name, List<T> ticks, ToDoubleFunction<T> seconds, ToDoubleFunction<T> value) {
        XYSeries s = new XYSeries(name, false, true);
        for (T t : ticks) {
            double v = value.applyAsDouble(t);
            s.add(seconds.applyAsDouble(t), Double.isFinite(v) ? v : null);
        }
        return s;
    }

    /** A panel with one coloured line per series, on white with light grid lines. */
    static XYPlot plot(XYSeriesCollection data, String axis, XYItemRenderer renderer, Color[] colours) {
        for (int i = 0; i < colours.length; i++) {
            renderer.setSeriesPaint(i, colours[i]);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        NumberAxis range = new NumberAxis(axis);
        range.setAutoRangeIncludesZero(true);
        XYPlot p = new XYPlot(data, null, range, renderer);
        p.setBackgroundPaint(Color.WHITE);
        p.setDomainGridlinePaint(Color.LIGHT_GRAY);
        p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return p;
    }

    /**
     * A solid vertical line at {@code seconds}, e.g. a moment the act is about; its label, if it gets one, sits at
     * the top, on the right of the line or on its left, {@code down} pixels below the top.
     */
    static ValueMarker verticalLine(double seconds, Color colour, boolean labelOnTheRight, double down) {
        ValueMarker marker = new ValueMarker(seconds);
        marker.setPaint(colour);
        marker.setStroke(new BasicStroke(1.5f));
        marker.setLabelPaint(colour);
        marker.setLabelAnchor(labelOnTheRight ? RectangleAnchor.TOP_RIGHT : RectangleAnchor.TOP_LEFT);
        marker.setLabelTextAnchor(labelOnTheRight ? TextAnchor.TOP_LEFT : TextAnchor.TOP_RIGHT);
        marker.setLabelOffset(new RectangleInsets(3 + down, 3, 3, 3));
        return marker;
    }

    /** A dashed horizontal line, e.g. where saturation reaches its target. */
    static ValueMarker dashedLine(double at) {
        ValueMarker marker = new ValueMarker(at);
        marker.setPaint(Color.DARK_GRAY);
        marker.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
        return marker;
    }
}
