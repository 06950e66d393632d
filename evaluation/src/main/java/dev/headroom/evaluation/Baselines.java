package dev.headroom.evaluation;

import dev.headroom.autoscaler.policy.PolicySpec;
import dev.headroom.autoscaler.policy.ScaleDownVoting;
import dev.headroom.signals.Signal;
import dev.headroom.signals.WindowConfig;
import dev.headroom.simulator.SimRequest;
import dev.headroom.simulator.cluster.ClusterConfig;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The two baselines that scale on something other than a Pods metric, both the HPA's arithmetic on an
 * {@code External} metric ({@link ExternalMetricController}) with the HPA's default behaviour and voting:
 *
 * <ul>
 *   <li>{@value #KEDA}: KEDA's Prometheus scaler on vLLM's {@code vllm:num_requests_waiting} with
 *       {@code threshold: 5}, as vLLM's production stack ships its KEDA example. KEDA hands the HPA the query's
 *       value (the sum over the pods) with an {@code AverageValue} target of the threshold, so the HPA asks
 *       for {@code ceil(waiting ÷ 5)} replicas; the value is refreshed at KEDA's default polling interval,
 *       {@value #KEDA_POLL_SECONDS} s.</li>
 *   <li>{@value #WVA}: a Workload-Variant-Autoscaler-style model ({@link WvaModel}): {@code ITL = α + β·batch}
 *       fitted on the simulated engine before the run, the highest rate per replica within the SLO from a
 *       state-dependent M/M/1, and {@code ceil(arrival rate ÷ that rate)} replicas, handed to the HPA as a
 *       metric with target 1 (as WVA emits its desired count for an HPA or KEDA to act on), every
 *       {@value #WVA_INTERVAL_SECONDS} s (WVA's default optimisation interval). The arrival rate is the
 *       workload's finished requests per second, the rate of {@code vllm:request_success_total} that WVA's
 *       collector queries.</li>
 * </ul>
 */
final class Baselines {

    static final String KEDA = "keda-waiting-5";
    static final String WVA = "wva-model";
    /** vLLM production stack's KEDA threshold on waiting requests. */
    static final double KEDA_THRESHOLD = 5;
    /** KEDA's default {@code pollingInterval}. */
    static final double KEDA_POLL_SECONDS = 30;
    /** WVA's default optimisation interval. */
    static final double WVA_INTERVAL_SECONDS = 60;

    private Baselines() {
    }

    /** KEDA on {@code vllm:num_requests_waiting}, threshold 5 (see the class comment). */
    static Contender keda(ClusterConfig cluster, int start) {
        PolicySpec hpa = hpa(cluster);
        WindowConfig window = window(cluster);
        return new Contender(KEDA, String.format(Locale.ROOT, "KEDA's Prometheus scaler on vllm:num_requests_waiting,"
                        + " threshold %.0f (the HPA's AverageValue arithmetic on the sum over pods), polled every %.0f s;"
                        + " the HPA's defaults", KEDA_THRESHOLD, KEDA_POLL_SECONDS), start,
                () -> new ExternalMetricController(hpa, Signal.QUEUE, KEDA_THRESHOLD, KEDA_POLL_SECONDS, window,
                        snapshot -> ExternalMetricController.sum(snapshot, Signal.QUEUE)));
    }

    /**
     * The WVA-style model, fitted on {@code cluster}'s engine at the mean lengths of {@code requests} and solved
     * for {@code slo}.
     *
     * @throws IllegalArgumentException when the model finds no rate within the SLO
     */
    static Contender wva(ClusterConfig cluster, List<SimRequest> requests, Slo slo, int start) {
        WvaModel model = WvaModel.fit(cluster.engine(), requests);
        double maxRate = model.maxRatePerReplica(slo);
        PolicySpec hpa = hpa(cluster);
        WindowConfig window = window(cluster);
        return new Contender(WVA, String.format(Locale.ROOT, "WVA-style model: %s; max %.2f req/s per replica (mean"
                        + " TTFT ≤ %s s, mean ITL ≤ %s s in a state-dependent M/M/1); ceil(finished req/s ÷ %.2f) every"
                        + " %.0f s through the HPA's defaults", model.describe(), maxRate, Numbers.plain(slo.ttftSeconds()),
                Numbers.plain(slo.itlSeconds()), maxRate, WVA_INTERVAL_SECONDS), start,
                () -> new ExternalMetricController(hpa, Signal.REQUESTS_PS, 1, WVA_INTERVAL_SECONDS, window,
                        snapshot -> desired(ExternalMetricController.sum(snapshot, Signal.REQUESTS_PS), maxRate)));
    }

    /** {@code ceil(rate ÷ maxRate)}: the count WVA emits; empty stays empty (the HPA holds). */
    static OptionalDouble desired(OptionalDouble rate, double maxRate) {
        return rate.isEmpty() ? rate : OptionalDouble.of(Math.ceil(rate.getAsDouble() / maxRate - 1e-9));
    }

    private static PolicySpec hpa(ClusterConfig cluster) {
        return PolicySpec.of(cluster.minReplicas(), cluster.maxReplicas())
                .withScaleDownVoting(ScaleDownVoting.EVERY_SIGNAL);
    }

    private static WindowConfig window(ClusterConfig cluster) {
        return WindowConfig.forScrapeInterval(Duration.ofNanos(Math.round(cluster.scrapeIntervalSeconds() * 1e9)),
                Contender.SPAN);
    }
}
