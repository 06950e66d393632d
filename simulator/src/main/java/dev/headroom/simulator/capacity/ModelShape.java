package dev.headroom.simulator.capacity;

/**
 * What of a transformer's shape decides its memory: parameter count (weights) and the attention geometry
 * that sets the KV cache per token.
 *
 * @param name       a label, e.g. the Hugging Face id
 * @param parameters parameter count
 * @param layers     decoder layers ({@code num_hidden_layers})
 * @param kvHeads    key/value heads ({@code num_key_value_heads}; fewer than query heads under GQA)
 * @param headDim    dimension per head ({@code hidden_size ÷ num_attention_heads} unless given)
 * @param dtypeBytes bytes per weight and per cached value (2 for FP16/BF16, 1 for FP8)
 */
public record ModelShape(String name, double parameters, int layers, int kvHeads, int headDim, int dtypeBytes) {

    public ModelShape {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("ModelShape.name must not be blank");
        }
        if (!(parameters > 0) || !Double.isFinite(parameters)) {
            throw new IllegalArgumentException("ModelShape.parameters must be finite and > 0, was " + parameters);
        }
        if (layers < 1 || kvHeads < 1 || headDim < 1 || dtypeBytes < 1) {
            throw new IllegalArgumentException("ModelShape layers, kvHeads, headDim and dtypeBytes must be >= 1, were "
                    + layers + ", " + kvHeads + ", " + headDim + ", " + dtypeBytes);
        }
    }

    /** Llama-3.1-8B(-Instruct), BF16: 32 layers, 8 KV heads of 128. */
    public static ModelShape llama31_8b() {
        return new ModelShape("meta-llama/Llama-3.1-8B-Instruct", 8.03e9, 32, 8, 128, 2);
    }

    /** Llama-3.1-70B(-Instruct), BF16: 80 layers, 8 KV heads of 128. */
    public static ModelShape llama31_70b() {
        return new ModelShape("meta-llama/Llama-3.1-70B-Instruct", 70.6e9, 80, 8, 128, 2);
    }

    /** Qwen2.5-7B(-Instruct), BF16: 28 layers, 4 KV heads of 128. */
    public static ModelShape qwen25_7b() {
        return new ModelShape("Qwen/Qwen2.5-7B-Instruct", 7.62e9, 28, 4, 128, 2);
    }

    /** 2 (K and V) × layers × KV heads × head dim × bytes. */
    public long kvBytesPerToken() {
        return 2L * layers * kvHeads * headDim * dtypeBytes;
    }

    /** Parameters × bytes per parameter. */
    public long weightBytes() {
        return Math.round(parameters * dtypeBytes);
    }
}
