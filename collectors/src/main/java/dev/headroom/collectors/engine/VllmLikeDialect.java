package dev.headroom.collectors.engine;

import dev.headroom.collectors.exposition.Exposition;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * One implementation for the engines whose metrics are vLLM's names under another prefix, with a quirk or two
 * (LMDeploy, trtllm-serve): each is a {@link Names} table and nothing else, so a new such engine is a table, not new
 * logic. Recognised by its queue, running or KV gauge; queue and running summed over series, KV averaged (a ratio
 * per rank), counters read in Prometheus-text or OpenMetrics form, latencies as histograms (count and sum alone
 * where there are no buckets) scaled to seconds.
 *
 * <p>{@link VllmDialect} is not one of these: it tells V0 from V1 by which of two names is present, reads three
 * prefixes (one of them empty, recognised only by two names together), reads KV capacity from the labels of
 * {@code cache_config_info}, and names a flavour in the identity. Those are rules, not names.
 */
class VllmLikeDialect extends KnownFamiliesDialect {

    /**
     * One engine's names, each without the prefix. Counters are given as Prometheus text names them
     * ({@code x_total}); the OpenMetrics family ({@code x}) is accepted too.
     *
     * @param dialect          the registry name
     * @param prefix           put before every name, e.g. {@code lmdeploy:}
     * @param preemptions      the preemption counter, or null where the engine has none
     * @param modelLabel       the label that names the model
     * @param latencyToSeconds what a latency bound or sum is multiplied by to be in seconds
     */
    record Names(String dialect, String prefix, String waiting, String running, String kvUtilization,
            String promptTokens, String generationTokens, String preemptions, String requestSuccess, String ttft,
            String itl, String e2e, String queueTime, String modelLabel, double latencyToSeconds) {

        Names {
            Objects.requireNonNull(dialect, "dialect");
            Objects.requireNonNull(prefix, "prefix");
            for (String n : new String[] {waiting, running, kvUtilization, promptTokens, generationTokens,
                    requestSuccess, ttft, itl, e2e, queueTime, modelLabel}) {
                Objects.requireNonNull(n, "every name but preemptions");
            }
            for (String c : new String[] {promptTokens, generationTokens, preemptions, requestSuccess}) {
                if (c != null && !c.endsWith("_total")) {
                    throw new IllegalArgumentException("counter " + c + " must be named as in Prometheus text (_total)");
                }
            }
            if (!(latencyToSeconds > 0) || Double.isInfinite(latencyToSeconds)) {
                throw new IllegalArgumentException("latencyToSeconds must be positive, got " + latencyToSeconds);
            }
        }

        /** vLLM V0's names under {@code prefix}, model in {@code model_name}, latencies in seconds. */
        static Names vllmV0(String dialect, String prefix) {
            return new Names(dialect, prefix, "num_requests_waiting", "num_requests_running", "gpu_cache_usage_perc",
                    "prompt_tokens_total", "generation_tokens_total", "num_preemptions_total",
                    "request_success_total", "time_to_first_token_seconds", "time_per_output_token_seconds",
                    "e2e_request_latency_seconds", "request_queue_time_seconds", "model_name", 1.0);
        }

        Names withKvUtilization(String name) {
            return new Names(dialect, prefix, waiting, running, name, promptTokens, generationTokens, preemptions,
                    requestSuccess, ttft, itl, e2e, queueTime, modelLabel, latencyToSeconds);
        }

        Names withItl(String name) {
            return new Names(dialect, prefix, waiting, running, kvUtilization, promptTokens, generationTokens,
                    preemptions, requestSuccess, ttft, name, e2e, queueTime, modelLabel, latencyToSeconds);
        }

        Names withoutPreemptions() {
            return new Names(dialect, prefix, waiting, running, kvUtilization, promptTokens, generationTokens, null,
                    requestSuccess, ttft, itl, e2e, queueTime, modelLabel, latencyToSeconds);
        }

        /** {@code name} with the prefix. */
        String full(String name) {
            return prefix + name;
        }

        /** Every family the dialect may read: each name, and each counter's OpenMetrics family too. */
        Set<String> families() {
            Set<String> all = new HashSet<>();
            for (String n : new String[] {waiting, running, kvUtilization, ttft, itl, e2e, queueTime}) {
                all.add(full(n));
            }
            for (String c : new String[] {promptTokens, generationTokens, preemptions, requestSuccess}) {
                if (c != null) {
                    all.add(full(c));
                    all.add(full(c.substring(0, c.length() - "_total".length())));
                }
            }
            return all;
        }
    }

    private final Names names;

    VllmLikeDialect(Names names) {
        super(names.dialect(), names.families(), names.full(names.waiting()), names.full(names.running()),
                names.full(names.kvUtilization()));
        this.names = names;
    }

    /** The table this dialect reads by. */
    final Names names() {
        return names;
    }

    @Override
    public final EngineReading read(Exposition exposition, Instant scrapedAt) {
        Names n = names;
        SampleAssembler a = new SampleAssembler(exposition, n.modelLabel());
        a.gaugeSum(GaugeSignal.QUEUE, n.full(n.waiting()));
        a.gaugeSum(GaugeSignal.RUNNING, n.full(n.running()));
        a.gaugeMean(GaugeSignal.KV_UTILIZATION, n.full(n.kvUtilization()));
        a.counter(CounterSignal.PROMPT_TOKENS, n.full(n.promptTokens()));
        a.counter(CounterSignal.GENERATION_TOKENS, n.full(n.generationTokens()));
        if (n.preemptions() != null) {
            a.counter(CounterSignal.PREEMPTIONS, n.full(n.preemptions()));
        }
        a.counter(CounterSignal.REQUESTS_FINISHED, n.full(n.requestSuccess()));
        a.latency(LatencySignal.TTFT, n.full(n.ttft()), n.latencyToSeconds());
        a.latency(LatencySignal.ITL, n.full(n.itl()), n.latencyToSeconds());
        a.latency(LatencySignal.E2E, n.full(n.e2e()), n.latencyToSeconds());
        a.latency(LatencySignal.QUEUE_TIME, n.full(n.queueTime()), n.latencyToSeconds());
        return a.reading(n.dialect(), null, scrapedAt);
    }
}
