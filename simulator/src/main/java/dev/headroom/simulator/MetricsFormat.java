package dev.headroom.simulator;

/**
 * Which engine's {@code /metrics} an {@link EngineServer} speaks. The model underneath is the same; only names,
 * labels, types and units change, so that each of Headroom's dialects can be driven end to end under load.
 */
public enum MetricsFormat {
    /** vLLM V1 ({@link VllmMetricsRenderer}); the default. */
    VLLM,
    /** SGLang ≥ 0.5 ({@link SglangMetricsRenderer}): two tensor-parallel ranks reporting the same batch. */
    SGLANG,
    /** Hugging Face TGI v3 ({@link TgiMetricsRenderer}): no labels, counters without {@code _total}. */
    TGI;

    /** The exposition of {@code model} now, counting {@code notYetAdmitted} arrivals as waiting. */
    public String render(EngineModel model, int engineIndex, int notYetAdmitted) {
        return switch (this) {
            case VLLM -> VllmMetricsRenderer.render(model, engineIndex, notYetAdmitted);
            case SGLANG -> SglangMetricsRenderer.render(model, engineIndex, notYetAdmitted);
            case TGI -> TgiMetricsRenderer.render(model, notYetAdmitted);
        };
    }

    /** Every format is Prometheus text 0.0.4. */
    public String contentType() {
        return VllmMetricsRenderer.CONTENT_TYPE;
    }
}
