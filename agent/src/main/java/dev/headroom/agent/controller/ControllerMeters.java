package dev.headroom.agent.controller;

import dev.headroom.agent.metrics.LoopFailures;
import dev.headroom.agent.metrics.MetricFamily;
import dev.headroom.agent.metrics.MicrometerFamilies;
import dev.headroom.autoscaler.kubernetes.DecisionListener;
import dev.headroom.autoscaler.kubernetes.WorkloadDecision;
import dev.headroom.autoscaler.kubernetes.WorkloadKey;
import dev.headroom.autoscaler.policy.SignalInput;
import dev.headroom.signals.Signal;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The controller's decisions as Micrometer meters, each with {@code namespace} and {@code workload} (the
 * HeadroomPolicy's name): {@code headroom_desired_replicas}, {@code headroom_current_replicas} and
 * {@code headroom_controller_acting} gauges, {@code headroom_scaling_decisions_total{reason}}, and the saturation
 * the decision scaled on; and, without workload labels, {@code headroom_controller_tick_failures_total{kind}}.
 *
 * <p>That saturation is the decision's own: for each signal the decision targeted ({@code signal} label), the
 * per-replica value over the target the policy held it to, the {@link SignalInput#ratio()} the replica count
 * came from ({@code headroom_policy_saturation_ratio}), that target ({@code headroom_policy_target}, a learned
 * one included), and their highest ({@code headroom_policy_saturation_composite_ratio}). It is not the sidecar's
 * {@code headroom_saturation_ratio}, which divides one pod's signals by the sidecar's display targets
 * ({@code headroom.sidecar.targets.*}): a dashboard that shows 1.0 there may be at a threshold no policy uses.
 * A signal without fresh data reads NaN, never 0 (an idle-looking 0 would hide an outage); the composite is NaN
 * when no signal had data. A signal the latest decision no longer targets loses its series.
 *
 * <p>The gauges' values are held here, so that they never read NaN for lack of a strong reference; forgetting a
 * workload removes every gauge it had.
 */
public final class ControllerMeters implements DecisionListener {

    public static final String DESIRED = MetricFamily.DESIRED_REPLICAS.meterName();
    public static final String CURRENT = MetricFamily.CURRENT_REPLICAS.meterName();
    public static final String ACTING = MetricFamily.CONTROLLER_ACTING.meterName();
    /** A counter: {@code /q/metrics} shows it as {@code headroom_scaling_decisions_total}. */
    public static final String DECISIONS = MetricFamily.SCALING_DECISIONS.meterName();
    public static final String SATURATION = MetricFamily.POLICY_SATURATION.meterName();
    public static final String SATURATION_COMPOSITE = MetricFamily.POLICY_SATURATION_COMPOSITE.meterName();
    public static final String TARGET = MetricFamily.POLICY_TARGET.meterName();
    public static final String LEARNED_CAPACITY = MetricFamily.POLICY_LEARNED_CAPACITY.meterName();
    public static final String LEARNED_SAMPLES = MetricFamily.POLICY_LEARNED_SAMPLES.meterName();
    /** The table's rows this class renders. */
    public static final List<MetricFamily> FAMILIES = List.of(MetricFamily.DESIRED_REPLICAS,
            MetricFamily.CURRENT_REPLICAS, MetricFamily.CONTROLLER_ACTING, MetricFamily.SCALING_DECISIONS,
            MetricFamily.POLICY_SATURATION, MetricFamily.POLICY_SATURATION_COMPOSITE, MetricFamily.POLICY_TARGET,
            MetricFamily.POLICY_LEARNED_CAPACITY, MetricFamily.POLICY_LEARNED_SAMPLES);
    /** The one row not per decision: a series appears with the first failure of its kind. */
    public static final MetricFamily FAILURES = MetricFamily.CONTROLLER_TICK_FAILURES;
    /** Every meter this class registers, by name. */
    public static final List<String> NAMES = FAMILIES.stream().map(MetricFamily::meterName).toList();

    private final MeterRegistry registry;
    private final LoopFailures failures;
    private final Map<WorkloadKey, Workload> workloads = new ConcurrentHashMap<>();

    public ControllerMeters(MeterRegistry registry) {
        this.registry = registry;
        this.failures = new LoopFailures(registry, MetricFamily.CONTROLLER_TICK_FAILURES);
    }

    /** A gauge's value, held strongly here. */
    private static final class Value {
        volatile double value = Double.NaN;

        double get() {
            return value;
        }
    }

    /** One signal's two gauges. */
    private record SignalGauges(Value ratio, Value target, List<Meter> meters) {
    }

    /** One workload's gauges; its methods run under its lock. */
    private final class Workload {
        final Tags tags;
        final Value desired = new Value();
        final Value current = new Value();
        final Value acting = new Value();
        final Value composite = new Value();
        final Map<Signal, SignalGauges> signals = new EnumMap<>(Signal.class);
        final List<Meter> meters = new ArrayList<>();
        final Value learned = new Value();
        final Value learnedSamples = new Value();
        /** The learned-capacity gauges, registered at the first estimate (a policy without an SLO has none). */
        List<Meter> learnedMeters = List.of();
        /** Set once forgotten: a decision that raced the forgetting registers nothing again. */
        boolean removed;

        Workload(WorkloadKey key) {
            tags = Tags.of(MetricFamily.Labels.NAMESPACE, key.namespace(), MetricFamily.Labels.WORKLOAD_NAME, key.name());
            meters.add(MicrometerFamilies.gauge(MetricFamily.DESIRED_REPLICAS, desired, Value::get).tags(tags).register(registry));
            meters.add(MicrometerFamilies.gauge(MetricFamily.CURRENT_REPLICAS, current, Value::get).tags(tags).register(registry));
            meters.add(MicrometerFamilies.gauge(MetricFamily.CONTROLLER_ACTING, acting, Value::get).tags(tags).register(registry));
            meters.add(MicrometerFamilies.gauge(MetricFamily.POLICY_SATURATION_COMPOSITE, composite, Value::get).tags(tags)
                    .register(registry));
        }

        synchronized void update(WorkloadDecision d) {
            if (removed) {
                return;
            }
            desired.value = d.decision().desired();
            current.value = d.currentReplicas();
            acting.value = acting(d) ? 1 : 0;
            double highest = Double.NaN;
            Map<Signal, SignalInput> inputs = new EnumMap<>(Signal.class);
            for (SignalInput input : d.decision().signals()) {
                inputs.putIfAbsent(input.signal(), input);
            }
            signals.keySet().removeIf(signal -> {
                if (inputs.containsKey(signal)) {
                    return false;
                }
                signals.get(signal).meters().forEach(registry::remove);
                return true;
            });
            for (SignalInput input : inputs.values()) {
                SignalGauges g = signals.computeIfAbsent(input.signal(), this::register);
                g.ratio().value = input.ratio().isPresent() ? input.ratio().getAsDouble() : Double.NaN;
                g.target().value = input.target();
                if (input.ratio().isPresent()) {
                    double ratio = input.ratio().getAsDouble();
                    highest = Double.isNaN(highest) ? ratio : Math.max(highest, ratio);
                }
            }
            composite.value = highest;
            d.decision().signals().stream().flatMap(i -> i.learned().stream()).findFirst().ifPresent(c -> {
                if (learnedMeters.isEmpty()) {
                    learnedMeters = List.of(
                            MicrometerFamilies.gauge(MetricFamily.POLICY_LEARNED_CAPACITY, learned, Value::get)
                                    .tags(tags).register(registry),
                            MicrometerFamilies.gauge(MetricFamily.POLICY_LEARNED_SAMPLES, learnedSamples, Value::get)
                                    .tags(tags).register(registry));
                }
                learned.value = c.perReplica();
                learnedSamples.value = c.samples();
            });
        }

        private SignalGauges register(Signal signal) {
            Tags withSignal = tags.and(MetricFamily.Labels.SIGNAL, signal.key());
            Value ratio = new Value();
            Value target = new Value();
            return new SignalGauges(ratio, target, List.of(
                    MicrometerFamilies.gauge(MetricFamily.POLICY_SATURATION, ratio, Value::get).tags(withSignal)
                            .register(registry),
                    MicrometerFamilies.gauge(MetricFamily.POLICY_TARGET, target, Value::get).tags(withSignal)
                            .register(registry)));
        }

        synchronized void remove() {
            removed = true;
            meters.forEach(registry::remove);
            signals.values().forEach(g -> g.meters().forEach(registry::remove));
            learnedMeters.forEach(registry::remove);
            learnedMeters = List.of();
            meters.clear();
            signals.clear();
        }
    }

    /**
     * Whether {@code d} is meant to take effect, i.e. whether desired and current replicas that stay apart are
     * something this controller replica failed to bring about:
     * <ul>
     *   <li>{@code dry-run}: never; it only records.</li>
     *   <li>{@code external-metrics} and {@code keda}: always; the HPA or KEDA scales from the value served,
     *       on whichever replica serves it.</li>
     *   <li>{@code direct}: unless it asked for a change that this replica neither made nor tried. Only the
     *       leader writes the scale, and it either changes the count ({@code acted}) or records why it could
     *       not ({@code actionError}); a standby's decision has neither. A decision that asks for no change
     *       needs no write, and counts as acting: there is nothing held back, on a leader or a standby.</li>
     * </ul>
     */
    static boolean acting(WorkloadDecision d) {
        return switch (d.mode()) {
            case DRY_RUN -> false;
            case EXTERNAL_METRICS, KEDA -> true;
            case DIRECT -> !d.decision().changes() || d.acted() || d.actionError().isPresent();
        };
    }

    @Override
    public void onDecision(WorkloadDecision d) {
        Workload w = workloads.computeIfAbsent(d.key(), Workload::new);
        w.update(d);
        MicrometerFamilies.counter(MetricFamily.SCALING_DECISIONS).tags(w.tags.and(MetricFamily.Labels.REASON,
                d.decision().reason().name().toLowerCase(Locale.ROOT))).register(registry).increment();
    }

    /** One policy's round failed: counted by kind (its status and log name the policy). */
    @Override
    public void onFailure(WorkloadKey key, Throwable failure) {
        failures.count(failure);
    }

    /** The tick itself failed, outside any one policy's round: counted by kind as well. */
    @Override
    public void onTickFailure(Throwable failure) {
        failures.count(failure);
    }

    @Override
    public void onForget(WorkloadKey key) {
        Workload w = workloads.remove(key);
        if (w != null) {
            w.remove();
        }
    }
}
