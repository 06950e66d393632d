package dev.headroom.collectors.engine;

/**
 * LMDeploy ({@code lmdeploy/metrics/metrics_processor.py}): the vLLM V0 names under the {@code lmdeploy:} prefix,
 * {@code gpu_cache_usage_perc} a 0..1 ratio despite its name, inter-token latency named {@code iter_token_latency}.
 * Built from the engine's source; no public payload was available to test against.
 */
public final class LmdeployDialect extends VllmLikeDialect {

    public static final String NAME = "lmdeploy";

    static final Names NAMES = Names.vllmV0(NAME, "lmdeploy:").withItl("iter_token_latency");

    public LmdeployDialect() {
        super(NAMES);
    }
}
