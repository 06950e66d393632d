package dev.headroom.agent.controller;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * The controller's settings, read once at start ({@code headroom.controller.*}, or environment variables such
 * as {@code HEADROOM_CONTROLLER_NAMESPACE}). See {@code src/docs/controller.md}.
 */
@ConfigMapping(prefix = "headroom.controller")
public interface ControllerConfig {

    /** The namespace whose HeadroomPolicies are served; unset for every namespace. */
    Optional<String> namespace();

    /**
     * How often each workload is decided (the decision interval, not the sidecars' scrape interval). Unset: the
     * controller's own default, {@code HeadroomController.Settings.defaults()}, as are the other unset durations.
     */
    Optional<Duration> interval();

    /**
     * Time allowed for one sidecar's /v1/signals answer, connect included; with {@code source: engine}, for each of
     * one engine scrape's connect and read.
     */
    @WithDefault("500ms")
    Duration pollTimeout();

    /**
     * The oldest sidecar data that still counts as fresh. Keep it above the sidecars' scrape interval, or their
     * data reads as too old between scrapes.
     */
    Optional<Duration> maxDataAge();

    /** A Ready pod that started less than this ago is not ready yet (the HPA's 30 s). */
    Optional<Duration> readinessDelay();

    /** Whether to elect a leader on a Lease; off only for a single controller. */
    @WithDefault("true")
    boolean leaderElection();

    /** The Lease's name. */
    @WithDefault("headroom-controller")
    String leaseName();

    /** The Lease's namespace; unset: the watched namespace, else {@code default}. */
    Optional<String> leaseNamespace();

    /**
     * How many shards the workloads are split into (1 to 256). 1: one leader acts on every workload, the others stand
     * by ({@code LeaderElection}). More: each controller replica decides and acts on the workloads of the shards whose
     * Leases it holds ({@code ShardedLeases}, Leases {@code <lease-name>-shard-<n>} and
     * {@code <lease-name>-member-<identity>}), and serves only their decisions. Every replica must use the same number.
     */
    @WithDefault("1")
    int shards();

    /** This controller's identity in the Lease; unset: the HOSTNAME (the pod name). */
    Optional<String> identity();

    /**
     * Serve every namespace's decisions on the plain HTTP port ({@code GET /v1/decisions}, no TLS, no
     * authentication): off by default, since any pod that reaches the port would read every namespace's decisions.
     * Off: 404 there, and each caller reads its own namespaces' decisions on the KEDA scaler's TLS port with its
     * client certificate ({@code GET /v1/decisions} there). On: for a trusted network, or a port-forward.
     */
    @WithDefault("false")
    boolean decisionsOnHttpPort();
}
