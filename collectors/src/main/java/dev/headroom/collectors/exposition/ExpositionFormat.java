package dev.headroom.collectors.exposition;

import java.util.Locale;

/** The two text formats an engine may serve; they differ in timestamps, {@code # EOF} and counter naming. */
public enum ExpositionFormat {
    /** {@code text/plain; version=0.0.4}: integer millisecond timestamps, no {@code # EOF}. */
    PROMETHEUS_TEXT("text/plain; version=0.0.4; charset=utf-8"),
    /** {@code application/openmetrics-text; version=1.0.0}: float-second timestamps, {@code # EOF} required. */
    OPENMETRICS("application/openmetrics-text; version=1.0.0; charset=utf-8");

    private final String contentType;

    ExpositionFormat(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }

    /** The format a {@code Content-Type} header names; Prometheus text for anything else, as Prometheus does. */
    public static ExpositionFormat fromContentType(String contentType) {
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/openmetrics-text")) {
            return OPENMETRICS;
        }
        return PROMETHEUS_TEXT;
    }

    /**
     * The format of a body whose content type is unknown (a file): OpenMetrics when its last line is
     * {@code # EOF}, else Prometheus text.
     */
    public static ExpositionFormat sniff(byte[] body) {
        int end = body.length;
        while (end > 0 && (body[end - 1] == '\n' || body[end - 1] == '\r')) {
            end--;
        }
        byte[] eof = {'#', ' ', 'E', 'O', 'F'};
        if (end < eof.length || (end > eof.length && body[end - eof.length - 1] != '\n')) {
            return PROMETHEUS_TEXT;
        }
        for (int i = 0; i < eof.length; i++) {
            if (body[end - eof.length + i] != eof[i]) {
                return PROMETHEUS_TEXT;
            }
        }
        return OPENMETRICS;
    }
}
