package dev.headroom.autoscaler.policy;

import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;

/**
 * {@link LoadForecast}, when the spec enables one: each summed load signal's complete reading (every ready pod
 * fresh and reporting it) joins its trend; where the trend carried one lead time ahead rises above the
 * reading and needs more replicas than the signal proposes, the signal proposes the fewest that keep the
 * forecast within the scale-up tolerance of its target ({@link SignalOutcome#FORECAST}). A mean (KV
 * utilisation) is left out: it moves with the replica count itself, so its trend is not the load's.
 *
 * <p>Runs after the rules that learn an {@code arrivals_ps} target ({@link LearnedRateRule},
 * {@link SloCapacityRule}), so that a learned target is carried ahead as a configured one is; {@link BurstRule}
 * comes after it and only ever raises a scale-down. State: the workload's {@link LoadTrends}, bounded by the trend window and
 * {@link Normalization#MAX_HISTORY}.
 */
final class ForecastRule implements PolicyRule<LoadTrends> {

    @Override
    public LoadTrends newState() {
        return new LoadTrends();
    }

    @Override
    public void apply(RuleContext context, LoadTrends trends, List<SignalInput> inputs) {
        PolicySpec spec = context.spec();
        LoadForecast forecast = spec.forecast();
        if (!forecast.enabled()) {
            return;
        }
        WorkloadSnapshot snapshot = context.snapshot();
        Instant now = context.now();
        double tolerance = spec.behavior().scaleUp().tolerance();
        for (int i = 0; i < inputs.size(); i++) {
            SignalInput input = inputs.get(i);
            if (ScaleDownVoting.isAlarm(input.signal()) || input.aggregation() != Aggregation.SUM
                    || input.workloadValue().isEmpty()) {
                continue;
            }
            double total = input.workloadValue().getAsDouble();
            if (snapshot.complete(input.reporting())) {
                trends.record(input.signal(), now, total, forecast.trendWindow());
            }
            OptionalDouble ahead = trends.forecast(input.signal(), now, forecast.trendWindow(), forecast.leadTime());
            if (ahead.isEmpty() || !(ahead.getAsDouble() > total)) {
                continue;
            }
            int needed = ReplicaCalculator.ceilReplicas(ahead.getAsDouble() / (input.target() * (1 + tolerance)));
            int proposed = input.proposedReplicas().orElse(context.currentReplicas());
            if (needed > Math.max(proposed, context.currentReplicas())) {
                inputs.set(i, input.forecasting(needed, ahead.getAsDouble()));
            }
        }
    }
}
