package dev.headroom.collectors.scrape;

/** Why a scrape produced no sample; a closed set so that failures can be counted by kind. */
public enum FailureKind {
    /** Could not connect (refused, unknown host, connect timeout, connection reset). */
    UNREACHABLE,
    /** Connected, but the whole response did not arrive within the read timeout. */
    TIMEOUT,
    /** 404 or 501: the endpoint is not there or metrics are switched off. */
    METRICS_DISABLED,
    /** Any other non-2xx status. */
    HTTP_STATUS,
    /** The body (or its decompressed form) is larger than the configured maximum. */
    TOO_LARGE,
    /** The body is not valid exposition text (or not valid gzip). */
    MALFORMED,
    /** Valid exposition text, but no dialect recognised it. */
    UNRECOGNISED
}
