/**
 * A cluster of simulated engines in virtual time, for comparing scaling policies reproducibly.
 *
 * <p>{@link dev.headroom.simulator.cluster.ClusterSimulator} runs replicas of
 * {@link dev.headroom.simulator.EngineModel} behind a {@link dev.headroom.simulator.cluster.Balancer}, with cold
 * starts, draining scale-down and GPU-hour accounting, and asks a
 * {@link dev.headroom.simulator.cluster.ReplicaController} for a replica count at each control tick. The
 * controller sees each replica as a sidecar would — its {@code /metrics} text and GPU utilisation — so that
 * the policy under test can be Headroom's own code, parsing that text with its own dialect. This package
 * never parses exposition text and never depends on anything beyond the JDK and this module.
 */
package dev.headroom.simulator.cluster;
