package dev.headroom.autoscaler.kubernetes;

/** A sidecar's {@code /v1/signals} answer that could not be used; the pod's data counts as missing. */
public final class SidecarReadException extends Exception {

    public SidecarReadException(String message) {
        super(message);
    }

    public SidecarReadException(String message, Throwable cause) {
        super(message, cause);
    }
}
