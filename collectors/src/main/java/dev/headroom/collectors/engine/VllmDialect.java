package dev.headroom.collectors.engine;

import dev.headroom.collectors.exposition.Exposition;
import dev.headroom.collectors.exposition.FamilyFilter;
import dev.headroom.collectors.exposition.MetricFamily;
import dev.headroom.collectors.exposition.Sample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * vLLM, in all the shapes its metrics come in (see {@code SIGNALS.md}):
 * <ul>
 *   <li>V1 ({@code vllm:kv_cache_usage_perc}, {@code vllm:inter_token_latency_seconds}, an {@code engine} label per
 *       data-parallel rank) and V0 ({@code vllm:gpu_cache_usage_perc}, {@code vllm:time_per_output_token_seconds});
 *       both names are accepted across the deprecation window, the newer one wins when both are present;</li>
 *   <li>Ray Serve's prefixes, {@code ray_vllm_} (current Ray, whose metric names may not hold a colon) and
 *       {@code ray_vllm:} (older), whose flavour ends in {@code -ray} ("behind Ray"), and NVIDIA NIM, which uses
 *       the V0 names unprefixed;</li>
 *   <li>Prometheus text (counter family {@code x_total}) and OpenMetrics (counter family {@code x}).</li>
 * </ul>
 * Ranks are summed for queue, running, counters and histograms. KV utilisation is a ratio per rank, so it is
 * averaged (ranks have equal caches), and capacity is {@code num_gpu_blocks × block_size} from
 * {@code cache_config_info}, summed over ranks. {@code _created} families are never read.
 *
 * <p>The identity's dialect says the flavour: {@code vllm-v1}, {@code vllm-v0} or {@code vllm-nim}.
 */
public final class VllmDialect implements EngineDialect {

    public static final String NAME = "vllm";

    /** Family names for one prefix. */
    private static final class Names {
        final String prefix;
        final String waiting;
        final String running;
        final String kvV1;
        final String kvV0;
        final String cacheInfo;
        final String[] promptTokens;
        final String[] generationTokens;
        final String[] preemptions;
        final String[] requestSuccess;
        final String ttft;
        final String itlV1;
        final String itlV0;
        final String e2e;
        final String queueTime;

        Names(String p) {
            prefix = p;
            waiting = p + "num_requests_waiting";
            running = p + "num_requests_running";
            kvV1 = p + "kv_cache_usage_perc";
            kvV0 = p + "gpu_cache_usage_perc";
            cacheInfo = p + "cache_config_info";
            promptTokens = counter(p + "prompt_tokens");
            generationTokens = counter(p + "generation_tokens");
            preemptions = counter(p + "num_preemptions");
            requestSuccess = counter(p + "request_success");
            ttft = p + "time_to_first_token_seconds";
            itlV1 = p + "inter_token_latency_seconds";
            itlV0 = p + "time_per_output_token_seconds";
            e2e = p + "e2e_request_latency_seconds";
            queueTime = p + "request_queue_time_seconds";
        }

        /** {Prometheus-text family name, OpenMetrics family name, sample name}. */
        private static String[] counter(String base) {
            return new String[] {base + "_total", base, base + "_total"};
        }

        void addAll(Set<String> into) {
            into.addAll(List.of(waiting, running, kvV1, kvV0, cacheInfo, ttft, itlV1, itlV0, e2e, queueTime));
            for (String[] c : List.of(promptTokens, generationTokens, preemptions, requestSuccess)) {
                into.add(c[0]);
                into.add(c[1]);
            }
        }
    }

    private static final Names VLLM = new Names("vllm:");
    private static final Names RAY = new Names("ray_vllm:");
    private static final Names RAY_UNDERSCORE = new Names("ray_vllm_");
    private static final Names NIM = new Names("");

    private final Set<String> wanted;
    private final FamilyFilter filter;

    public VllmDialect() {
        Set<String> all = new HashSet<>();
        VLLM.addAll(all);
        RAY.addAll(all);
        RAY_UNDERSCORE.addAll(all);
        NIM.addAll(all);
        this.wanted = Set.copyOf(all);
        this.filter = wanted::contains;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public FamilyFilter families() {
        return filter;
    }

    @Override
    public boolean recognises(Exposition exposition) {
        return namesFor(exposition) != null;
    }

    private static Names namesFor(Exposition e) {
        for (Names n : new Names[] {VLLM, RAY_UNDERSCORE, RAY}) {
            if (e.sawFamily(n.running) || e.sawFamily(n.waiting) || e.sawFamily(n.kvV1) || e.sawFamily(n.kvV0)) {
                return n;
            }
        }
        // NIM: unprefixed V0 names. Require two vLLM-specific ones so a generic "num_requests_running" is not enough.
        if ((e.sawFamily(NIM.running) || e.sawFamily(NIM.waiting))
                && (e.sawFamily(NIM.kvV0) || e.sawFamily(NIM.kvV1) || e.sawFamily(NIM.ttft))) {
            return NIM;
        }
        return null;
    }

    @Override
    public EngineReading read(Exposition exposition, Instant scrapedAt) {
        Names n = namesFor(exposition);
        if (n == null) {
            n = VLLM; // configured explicitly on a payload without the usual families: read what is there
        }
        Reader r = new Reader(exposition);
        r.gauge(GaugeSignal.QUEUE, n.waiting, false);
        r.gauge(GaugeSignal.RUNNING, n.running, false);
        if (!r.gauge(GaugeSignal.KV_UTILIZATION, n.kvV1, true)) {
            r.gauge(GaugeSignal.KV_UTILIZATION, n.kvV0, true);
        }
        r.kvCapacity(n.cacheInfo);
        r.counter(CounterSignal.PROMPT_TOKENS, n.promptTokens);
        r.counter(CounterSignal.GENERATION_TOKENS, n.generationTokens);
        r.counter(CounterSignal.PREEMPTIONS, n.preemptions);
        r.counter(CounterSignal.REQUESTS_FINISHED, n.requestSuccess);
        r.histogram(LatencySignal.TTFT, n.ttft);
        if (!r.histogram(LatencySignal.ITL, n.itlV1)) {
            r.histogram(LatencySignal.ITL, n.itlV0);
        }
        r.histogram(LatencySignal.E2E, n.e2e);
        r.histogram(LatencySignal.QUEUE_TIME, n.queueTime);
        String flavour = n == NIM ? "vllm-nim" : isV1(exposition, n) ? "vllm-v1" : "vllm-v0";
        if (n == RAY || n == RAY_UNDERSCORE) {
            flavour += EngineIdentity.BEHIND_RAY;
        }
        EngineSample sample = r.builder
                .scrapedAt(scrapedAt)
                .engine(EngineIdentity.of(flavour, r.model))
                .build();
        return new EngineReading(sample, r.used);
    }

    /** V1 says so by its new names or by the {@code engine} (data-parallel rank) label. */
    private static boolean isV1(Exposition e, Names n) {
        if (e.sawFamily(n.kvV1) || e.sawFamily(n.itlV1)) {
            return true;
        }
        MetricFamily running = e.family(n.running);
        return running != null && FamilyReader.firstLabel(running, "engine") != null;
    }

    /** Fills one builder; remembers the families read and the model name. */
    private static final class Reader {
        final Exposition exposition;
        final EngineSample.Builder builder = EngineSample.builder(Instant.EPOCH, EngineIdentity.of(NAME, null));
        final List<String> used = new ArrayList<>();
        String model;

        Reader(Exposition exposition) {
            this.exposition = exposition;
        }

        private MetricFamily use(String familyName) {
            MetricFamily f = exposition.family(familyName);
            if (f == null || f.samples().isEmpty()) {
                return null;
            }
            used.add(familyName);
            if (model == null) {
                model = FamilyReader.firstLabel(f, "model_name");
            }
            return f;
        }

        boolean gauge(GaugeSignal signal, String familyName, boolean ratio) {
            MetricFamily f = use(familyName);
            if (f == null) {
                return false;
            }
            if (rejected(signal, f)) {
                return true;
            }
            double v = ratio ? FamilyReader.mean(f, familyName) : FamilyReader.sum(f, familyName);
            if (!Double.isNaN(v)) {
                builder.gauge(signal, v); // a negative value, or a ratio above 1, is rejected there
            }
            return true;
        }

        /** Rejects {@code signal} when the family's series cannot be read as one value (see {@link FamilyCheck}). */
        private boolean rejected(Enum<?> signal, MetricFamily f) {
            Rejection r = FamilyCheck.check(signal, f, FamilyReader.ALL_SERIES);
            if (r == null) {
                return false;
            }
            builder.reject(r);
            return true;
        }

        void counter(CounterSignal signal, String[] names) {
            MetricFamily f = use(names[0]);
            if (f == null) {
                f = use(names[1]);
            }
            if (f == null) {
                return;
            }
            if (rejected(signal, f)) {
                return;
            }
            double v = FamilyReader.sum(f, names[2]);
            if (!Double.isNaN(v)) {
                builder.counter(signal, v);
            }
        }

        boolean histogram(LatencySignal signal, String familyName) {
            MetricFamily f = use(familyName);
            if (f == null) {
                return false;
            }
            if (rejected(signal, f)) {
                return true;
            }
            Histogram h = FamilyReader.histogram(f);
            if (h != null) {
                builder.latency(signal, h);
            } else {
                Rejection cut = FamilyCheck.incompleteHistogram(signal, f, FamilyReader.ALL_SERIES);
                if (cut != null) {
                    builder.reject(cut);
                }
            }
            return true;
        }

        /** {@code num_gpu_blocks × block_size} per rank, summed; unknown when any rank does not say. */
        void kvCapacity(String familyName) {
            MetricFamily f = use(familyName);
            if (f == null) {
                return;
            }
            double tokens = 0;
            for (Sample s : f.samples()) {
                long blocks = parsePositive(s.label("num_gpu_blocks"));
                long blockSize = parsePositive(s.label("block_size"));
                if (blocks < 0 || blockSize < 0) {
                    return;
                }
                tokens += (double) blocks * blockSize;
            }
            builder.gauge(GaugeSignal.KV_CAPACITY_TOKENS, tokens);
        }

        /** A positive integer label ("7281"), or -1 for absent, "None" or anything else. */
        private static long parsePositive(String s) {
            if (s == null || s.isEmpty() || s.length() > 18) {
                return -1;
            }
            long v = 0;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                v = v * 10 + (c - '0');
            }
            return v > 0 ? v : -1;
        }
    }
}
