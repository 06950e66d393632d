package dev.headroom.autoscaler.policy;

import java.util.Locale;

/**
 * An enum constant as Kubernetes writes enum-like values and reasons: UpperCamelCase, acronyms kept whole as in
 * {@code ClusterIP} ({@code SCALE_UP} → {@code ScaleUp}, {@code KV_CACHE} → {@code KVCache}, {@code TTFT} →
 * {@code TTFT}). What the controller writes into a resource's status, its
 * Events and its decisions API uses this one form; the Java constants keep Java's.
 */
public final class UpperCamelCase {

    /** The acronyms of Headroom's constants, written whole. */
    private static final java.util.Set<String> ACRONYMS = java.util.Set.of("ITL", "TTFT", "KV", "SLO", "GPU", "KEDA");

    private UpperCamelCase() {
    }

    /** {@code value}'s name in UpperCamelCase. */
    public static String of(Enum<?> value) {
        StringBuilder out = new StringBuilder();
        for (String word : value.name().split("_")) {
            if (ACRONYMS.contains(word)) {
                out.append(word);
            } else if (!word.isEmpty()) {
                out.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
            }
        }
        return out.toString();
    }
}
