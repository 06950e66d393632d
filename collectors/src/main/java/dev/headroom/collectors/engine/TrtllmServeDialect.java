package dev.headroom.collectors.engine;

/**
 * TensorRT-LLM's own OpenAI server, {@code trtllm-serve} ({@code /prometheus/metrics}): vLLM-like names under the
 * {@code trtllm_} prefix, in seconds, {@code kv_cache_utilization} a 0..1 ratio, no preemption counter. Built from
 * the engine's source ({@code tensorrt_llm/metrics/collector.py}); no public payload was available to test against.
 */
public final class TrtllmServeDialect extends VllmLikeDialect {

    public static final String NAME = "trtllm-serve";

    static final Names NAMES = Names.vllmV0(NAME, "trtllm_").withKvUtilization("kv_cache_utilization")
            .withoutPreemptions();

    public TrtllmServeDialect() {
        super(NAMES);
    }
}
