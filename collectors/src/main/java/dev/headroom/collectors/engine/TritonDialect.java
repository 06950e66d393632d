package dev.headroom.collectors.engine;

import dev.headroom.collectors.exposition.Exposition;
import dev.headroom.collectors.exposition.MetricFamily;
import dev.headroom.collectors.exposition.Sample;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * NVIDIA Triton Inference Server (metrics port 8002), with or without the TensorRT-LLM backend.
 *
 * <p>TensorRT-LLM backend gauges carry a category label: queue is {@code nv_trt_llm_request_metrics{request_type=
 * "waiting"}}, running {@code {request_type="active"}}, KV utilisation {@code nv_trt_llm_kv_cache_block_metrics
 * {kv_cache_block_type="fraction"}}, KV capacity {@code max × tokens_per} blocks. Without the backend, queue is Triton
 * core's {@code nv_inference_pending_request_count} and running is unknown.
 *
 * <p>Triton core: {@code nv_inference_count} and {@code nv_inference_exec_count} are counters that end in
 * {@code _count} (not a histogram's count; never read as one). Durations are in microseconds
 * ({@code *_duration_us} cumulative counters, {@code *_summary_us} summaries) or milliseconds
 * ({@code nv_inference_first_response_histogram_ms}); all are converted to seconds. Where only the cumulative
 * duration counters exist, end-to-end and queue time are count and sum over {@code nv_inference_request_success +
 * nv_inference_request_failure} requests (means, no quantiles). Series of all models are summed: one Triton server
 * is one replica.
 *
 * <p>Tokens per second are unknown: the backend's token gauges are per iteration, not totals. The identity's dialect
 * says {@code triton-trtllm} when the backend's families are present, else {@code triton}.
 */
public final class TritonDialect extends KnownFamiliesDialect {

    public static final String NAME = "triton";

    static final String BACKEND_PREFIX = "nv_trt_llm_";
    static final String REQUESTS = "nv_trt_llm_request_metrics";
    static final String V1 = "nv_trt_llm_v1_metrics";
    static final String KV_BLOCKS = "nv_trt_llm_kv_cache_block_metrics";
    static final String PENDING = "nv_inference_pending_request_count";
    static final String SUCCESS = "nv_inference_request_success";
    static final String FAILURE = "nv_inference_request_failure";
    static final String REQUEST_DURATION_US = "nv_inference_request_duration_us";
    static final String QUEUE_DURATION_US = "nv_inference_queue_duration_us";
    static final String REQUEST_SUMMARY_US = "nv_inference_request_summary_us";
    static final String QUEUE_SUMMARY_US = "nv_inference_queue_summary_us";
    static final String FIRST_RESPONSE_MS = "nv_inference_first_response_histogram_ms";

    private static final double US = 1e-6;
    private static final double MS = 1e-3;

    private static final Set<String> FAMILIES = Set.of(REQUESTS, KV_BLOCKS, PENDING, SUCCESS, FAILURE,
            REQUEST_DURATION_US, QUEUE_DURATION_US, REQUEST_SUMMARY_US, QUEUE_SUMMARY_US, FIRST_RESPONSE_MS, V1);

    public TritonDialect() {
        super(NAME, FAMILIES);
    }

    /** Any family under Triton's {@code nv_inference_} or the backend's {@code nv_trt_llm_} prefix. */
    @Override
    public boolean recognises(Exposition e) {
        for (String name : e.seenFamilyNames()) {
            if (name.startsWith("nv_inference_") || name.startsWith(BACKEND_PREFIX)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public EngineReading read(Exposition exposition, Instant scrapedAt) {
        SampleAssembler a = new SampleAssembler(exposition);
        boolean backend = false;
        for (String name : exposition.seenFamilyNames()) {
            backend |= name.startsWith(BACKEND_PREFIX);
        }
        for (String f : backend ? new String[] {REQUESTS, KV_BLOCKS, V1} : new String[] {SUCCESS, PENDING,
                REQUEST_SUMMARY_US, QUEUE_SUMMARY_US}) {
            a.modelIfUnknown(models(exposition, f));
        }
        if (!a.gaugeWhere(GaugeSignal.QUEUE, REQUESTS, "request_type", "waiting")) {
            a.gaugeSum(GaugeSignal.QUEUE, PENDING);
        }
        a.gaugeWhere(GaugeSignal.RUNNING, REQUESTS, "request_type", "active");
        a.gaugeWhere(GaugeSignal.KV_UTILIZATION, KV_BLOCKS, "kv_cache_block_type", "fraction");
        double blocks = a.valueWhere(KV_BLOCKS, "kv_cache_block_type", "max");
        double tokensPerBlock = a.valueWhere(KV_BLOCKS, "kv_cache_block_type", "tokens_per");
        if (blocks > 0 && tokensPerBlock > 0) {
            a.gaugeValue(GaugeSignal.KV_CAPACITY_TOKENS, blocks * tokensPerBlock);
        }
        double success = a.counterValue(SUCCESS, 1.0);
        double failure = a.counterValue(FAILURE, 1.0);
        a.counterValue(CounterSignal.REQUESTS_FINISHED, success);
        a.latency(LatencySignal.TTFT, FIRST_RESPONSE_MS, MS);
        double requests = Double.isNaN(failure) ? success : success + failure;
        if (!a.latency(LatencySignal.E2E, REQUEST_SUMMARY_US, US)) {
            cumulative(a, LatencySignal.E2E, REQUEST_DURATION_US, requests);
        }
        if (!a.latency(LatencySignal.QUEUE_TIME, QUEUE_SUMMARY_US, US)) {
            cumulative(a, LatencySignal.QUEUE_TIME, QUEUE_DURATION_US, requests);
        }
        return a.reading(backend ? "triton-trtllm" : NAME, null, scrapedAt);
    }

    /** A cumulative microsecond counter over a request count, as a one-bucket distribution in seconds. */
    private static void cumulative(SampleAssembler a, LatencySignal signal, String familyName, double requests) {
        double seconds = a.counterValue(familyName, US);
        if (Double.isFinite(seconds) && Double.isFinite(requests)) {
            a.latencyValue(signal, new Histogram(new double[] {Double.POSITIVE_INFINITY}, new double[] {requests},
                    requests, seconds));
        }
    }

    /** The one model the family's series name, {@code N models} when several, or null. */
    private static String models(Exposition e, String familyName) {
        MetricFamily f = e.family(familyName);
        if (f == null) {
            return null;
        }
        Set<String> names = new LinkedHashSet<>();
        for (Sample s : f.samples()) {
            String m = s.label("model");
            if (m != null) {
                names.add(m);
            }
        }
        if (names.isEmpty()) {
            return null;
        }
        return names.size() == 1 ? names.iterator().next() : names.size() + " models";
    }
}
