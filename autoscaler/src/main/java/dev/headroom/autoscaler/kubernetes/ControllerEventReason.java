package dev.headroom.autoscaler.kubernetes;

/** The reasons of the Kubernetes Events the controller records on a {@code HeadroomPolicy}. */
public enum ControllerEventReason {
    /** The target was scaled up (direct mode). */
    SCALED_UP("ScaledUp", false),
    /** The target was scaled down (direct mode). */
    SCALED_DOWN("ScaledDown", false),
    /** A change was decided and not made here: dry-run, or an HPA / KEDA acts on it. */
    RECOMMENDED("Recommended", false),
    /** No change: within tolerance, stabilised, rate-limited or at a bound. */
    UNCHANGED("Unchanged", false),
    /** No change because data is missing or stale, or the target was scaled to zero by hand. */
    HELD("Held", true),
    /** Scaling failed after the retries (the HPA's Event reason for it). */
    SCALE_FAILED("FailedRescale", true),
    /** The policy cannot be used; the message lists every problem. */
    INVALID_POLICY("InvalidPolicy", true),
    /** The scale target could not be read (the HPA's Event and condition reason for it). */
    TARGET_UNAVAILABLE("FailedGetScale", true),
    /** The policy names no selector and its target has none either: its pods cannot be found. */
    INVALID_SELECTOR("InvalidSelector", true),
    /** A round of this policy failed unexpectedly (its pod watch, say); the message names the throwable. */
    RECONCILE_FAILED("ReconcileFailed", true);

    private final String value;
    private final boolean warning;

    ControllerEventReason(String value, boolean warning) {
        this.value = value;
        this.warning = warning;
    }

    /** The Event's {@code reason}, UpperCamelCase as Kubernetes' own. */
    public String value() {
        return value;
    }

    /** The Event's {@code type}: {@code Warning} or {@code Normal}. */
    public String type() {
        return warning ? "Warning" : "Normal";
    }
}
