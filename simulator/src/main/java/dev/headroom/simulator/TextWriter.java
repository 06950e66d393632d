package dev.headroom.simulator;

/** Prometheus text 0.0.4 for the non-vLLM renderers: families, samples with pre-rendered labels, histograms. */
final class TextWriter {

    private final StringBuilder out = new StringBuilder(8 * 1024);

    /** A HELP line (left out when the engine prints none, as TGI does) and a TYPE line. */
    void header(String name, String help, String type) {
        if (!help.isEmpty()) {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        }
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** One sample; {@code labels} is the text between the braces, empty for none. */
    void sample(String name, String labels, double value) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{').append(labels).append('}');
        }
        out.append(' ');
        VllmMetricsRenderer.appendValue(out, value);
        out.append('\n');
    }

    void histogram(String name, String help, String labels, BucketHistogram h) {
        header(name, help, "histogram");
        double[] bounds = h.upperBounds();
        long[] cumulative = h.cumulativeCounts();
        String prefix = labels.isEmpty() ? "" : labels + ",";
        for (int i = 0; i <= bounds.length; i++) {
            StringBuilder le = new StringBuilder();
            if (i < bounds.length) {
                VllmMetricsRenderer.appendValue(le, bounds[i]);
            } else {
                le.append("+Inf");
            }
            sample(name + "_bucket", prefix + "le=\"" + le + "\"", cumulative[i]);
        }
        sample(name + "_sum", labels, h.sum());
        sample(name + "_count", labels, h.count());
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
