package dev.headroom.agent.controller;

import dev.headroom.autoscaler.kubernetes.DecisionListener;
import dev.headroom.autoscaler.kubernetes.WorkloadDecision;
import dev.headroom.autoscaler.kubernetes.WorkloadKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The controller's decisions as Micrometer meters: {@code headroom_desired_replicas},
 * {@code headroom_current_replicas} and {@code headroom_controller_acting} gauges and
 * {@code headroom_scaling_decisions_total{reason}}, each with {@code namespace} and {@code workload} (the
 * HeadroomPolicy's name). The gauges' values are held here, so that they never read NaN for lack of a strong
 * reference.
 */
public final class ControllerMeters implements DecisionListener {

    public static final String DESIRED = "headroom_desired_replicas";
    public static final String CURRENT = "headroom_current_replicas";
    public static final String ACTING = "headroom_controller_acting";
    public static final String DECISIONS = "headroom_scaling_decisions";
    /** Every meter this class registers, by name. */
    public static final List<String> NAMES = List.of(DESIRED, CURRENT, ACTING, DECISIONS);

    private static final List<String> GAUGES = List.of(DESIRED, CURRENT, ACTING);

    private final MeterRegistry registry;
    private final Map<WorkloadKey, AtomicInteger[]> gauges = new ConcurrentHashMap<>();

    public ControllerMeters(MeterRegistry registry) {
        this.registry = registry;
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
        Tags tags = Tags.of("namespace", d.key().namespace(), "workload", d.key().name());
        AtomicInteger[] values = gauges.computeIfAbsent(d.key(), k -> {
            AtomicInteger desired = new AtomicInteger();
            AtomicInteger current = new AtomicInteger();
            AtomicInteger acting = new AtomicInteger();
            Gauge.builder(DESIRED, desired, AtomicInteger::get).tags(tags)
                    .description("Replicas the latest decision asked for").register(registry);
            Gauge.builder(CURRENT, current, AtomicInteger::get).tags(tags)
                    .description("Replicas the target had at the latest decision").register(registry);
            Gauge.builder(ACTING, acting, AtomicInteger::get).tags(tags)
                    .description("1 when the latest decision on this controller replica is meant to take effect "
                            + "(external-metrics or keda mode, or direct mode on the leader), 0 when it is not "
                            + "(dry-run mode, or a standby's direct-mode change it does not make)")
                    .register(registry);
            return new AtomicInteger[] {desired, current, acting};
        });
        values[0].set(d.decision().desired());
        values[1].set(d.currentReplicas());
        values[2].set(acting(d) ? 1 : 0);
        Counter.builder(DECISIONS).tags(tags.and("reason", d.decision().reason().name().toLowerCase(Locale.ROOT)))
                .description("Scaling decisions by reason").register(registry).increment();
    }

    @Override
    public void onForget(WorkloadKey key) {
        if (gauges.remove(key) != null) {
            for (String name : GAUGES) {
                registry.find(name).tags("namespace", key.namespace(), "workload", key.name()).meters()
                        .forEach(registry::remove);
            }
        }
    }
}
