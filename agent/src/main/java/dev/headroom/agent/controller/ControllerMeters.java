package dev.headroom.agent.controller;

import dev.headroom.autoscaler.kubernetes.DecisionListener;
import dev.headroom.autoscaler.kubernetes.WorkloadDecision;
import dev.headroom.autoscaler.kubernetes.WorkloadKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The controller's decisions as Micrometer meters: {@code headroom_desired_replicas} and
 * {@code headroom_current_replicas} gauges and {@code headroom_scaling_decisions_total{reason}}, each with
 * {@code namespace} and {@code workload} (the HeadroomPolicy's name). The gauges' values are held here, so
 * that they never read NaN for lack of a strong reference.
 */
public final class ControllerMeters implements DecisionListener {

    public static final String DESIRED = "headroom_desired_replicas";
    public static final String CURRENT = "headroom_current_replicas";
    public static final String DECISIONS = "headroom_scaling_decisions";

    private final MeterRegistry registry;
    private final Map<WorkloadKey, AtomicInteger[]> gauges = new ConcurrentHashMap<>();

    public ControllerMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void onDecision(WorkloadDecision d) {
        Tags tags = Tags.of("namespace", d.key().namespace(), "workload", d.key().name());
        AtomicInteger[] values = gauges.computeIfAbsent(d.key(), k -> {
            AtomicInteger desired = new AtomicInteger();
            AtomicInteger current = new AtomicInteger();
            Gauge.builder(DESIRED, desired, AtomicInteger::get).tags(tags)
                    .description("Replicas the latest decision asked for").register(registry);
            Gauge.builder(CURRENT, current, AtomicInteger::get).tags(tags)
                    .description("Replicas the target had at the latest decision").register(registry);
            return new AtomicInteger[] {desired, current};
        });
        values[0].set(d.decision().desired());
        values[1].set(d.currentReplicas());
        Counter.builder(DECISIONS).tags(tags.and("reason", d.decision().reason().name().toLowerCase(java.util.Locale.ROOT)))
                .description("Scaling decisions by reason").register(registry).increment();
    }

    @Override
    public void onForget(WorkloadKey key) {
        if (gauges.remove(key) != null) {
            registry.find(DESIRED).tags("namespace", key.namespace(), "workload", key.name()).meters()
                    .forEach(registry::remove);
            registry.find(CURRENT).tags("namespace", key.namespace(), "workload", key.name()).meters()
                    .forEach(registry::remove);
        }
    }
}
