package dev.headroom.collectors.engine;

import java.util.Objects;

/**
 * Which engine a sample came from: the dialect that read it (e.g. {@code vllm-v1}), the model it serves and
 * the engine's version where the payload tells it. Unknown parts are the string {@code "unknown"}, never null.
 */
public record EngineIdentity(String dialect, String model, String version) {

    public static final String UNKNOWN = "unknown";
    /** The end of a dialect flavour read from an engine served through Ray Serve (e.g. {@code vllm-v1-ray}). */
    public static final String BEHIND_RAY = "-ray";

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

    /** How the engine is deployed, where its metric names tell: {@code "behind Ray"}, else empty. */
    public java.util.Optional<String> deployment() {
        return dialect.endsWith(BEHIND_RAY) ? java.util.Optional.of("behind Ray") : java.util.Optional.empty();
    }

    @Override
    public String toString() {
        return dialect + (Objects.equals(version, UNKNOWN) ? "" : " " + version) + " serving " + model
                + deployment().map(d -> ", " + d).orElse("");
    }
}
