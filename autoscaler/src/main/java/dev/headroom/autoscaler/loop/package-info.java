/**
 * The decision loop: decide with a {@link dev.headroom.autoscaler.policy.ScalingPolicy}, act through a
 * {@link dev.headroom.autoscaler.loop.ScaleActuator}, record a successful scale, in one class
 * ({@link dev.headroom.autoscaler.loop.DecisionLoop}) that the Kubernetes controller, the evaluation and the demo
 * share. It sits between the policy (arithmetic only) and the controller (Kubernetes only).
 *
 * <p>What this package must never do: know Kubernetes (the controller and {@code KubernetesScaleActuator} do);
 * record a scale that did not succeed; read the wall clock or keep state of its own.
 */
package dev.headroom.autoscaler.loop;
