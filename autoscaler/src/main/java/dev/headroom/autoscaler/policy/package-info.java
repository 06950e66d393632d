/**
 * The scaling policy: a workload's replica reports aggregated per signal, and the Kubernetes HPA's algorithm
 * run over them with Headroom's fail-safe rules.
 *
 * <p>{@link dev.headroom.autoscaler.policy.WorkloadSnapshot} classifies each pod (ready with fresh data, ready
 * without, not ready) and aggregates fresh values per signal.
 * {@link dev.headroom.autoscaler.policy.HpaCompatiblePolicy} turns a snapshot into a
 * {@link dev.headroom.autoscaler.policy.ScalingDecision} that carries every input and a reason: the HPA's
 * algorithm as a core, with Headroom's rules beside it, each a
 * {@link dev.headroom.autoscaler.policy.PolicyRule} given to the core as a list
 * ({@link dev.headroom.autoscaler.policy.HeadroomRules}); every message is written by one class,
 * {@code DecisionText}.
 * {@link dev.headroom.autoscaler.policy.ExternalMetricValue} is the value to serve so that an HPA reproduces a
 * decision. The reference, with the arithmetic and every difference from the HPA, is {@code src/docs/policy.md}.
 *
 * <p>What this package must never do: count missing or stale data as idle; scale down while a ready pod's data
 * is missing; read the wall clock (time comes from an injected {@code InstantSource}); talk to Kubernetes or
 * any network (the controller does, and calls this); give the core a field or a branch for a Headroom rule (a
 * rule is a {@code PolicyRule} in the list, its memory a state the core keeps for it).
 */
package dev.headroom.autoscaler.policy;
