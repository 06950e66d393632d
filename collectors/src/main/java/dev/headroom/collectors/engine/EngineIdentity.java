package dev.headroom.collectors.engine;

import java.util.Objects;

/**
 * Which engine a sample came from: the dialect that read it (e.g. {@code vllm-v1}), the model it serves and
 * the engine's version where the payload tells it. Unknown parts are the string {@code "unknown"}, never null.
 */
public record EngineIdentity(String dialect, String model, String version) {

    public static final String UNKNOWN = "unknown";

    public EngineIdentity {
        dialect = orUnknown(dialect);
        model = orUnknown(model);
        version = orUnknown(version);
    }

    private static String orUnknown(String s) {
        return s == null || s.isBlank() ? UNKNOWN : s;
    }

    public static EngineIdentity of(String dialect, String model) {
        return new EngineIdentity(dialect, model, null);
    }

    @Override
    public String toString() {
        return dialect + (Objects.equals(version, UNKNOWN) ? "" : " " + version) + " serving " + model;
    }
}
