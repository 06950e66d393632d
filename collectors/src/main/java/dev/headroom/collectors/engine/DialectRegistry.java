package dev.headroom.collectors.engine;

import dev.headroom.collectors.exposition.Exposition;
import dev.headroom.collectors.exposition.FamilyFilter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The explicit list of engine dialects, by name, in detection order. No scanning: a dialect is added here in
 * code. Immutable once built; {@link #standard()} holds every dialect Headroom ships.
 */
public final class DialectRegistry {

    /** The dialect name that asks for detection from the families present. */
    public static final String AUTO = "auto";

    private final Map<String, EngineDialect> byName;
    private final FamilyFilter anyDialect;

    private DialectRegistry(List<EngineDialect> dialects) {
        Map<String, EngineDialect> map = new LinkedHashMap<>();
        for (EngineDialect d : dialects) {
            if (AUTO.equals(d.name())) {
                throw new IllegalArgumentException("'" + AUTO + "' is reserved for detection, not a dialect name");
            }
            if (map.putIfAbsent(d.name(), d) != null) {
                throw new IllegalArgumentException("two dialects named '" + d.name() + "'");
            }
        }
        this.byName = Collections.unmodifiableMap(map);
        FamilyFilter union = name -> false;
        for (EngineDialect d : map.values()) {
            union = union.or(d.families());
        }
        this.anyDialect = union;
    }

    /** A registry of these dialects; detection tries them in this order. */
    public static DialectRegistry of(EngineDialect... dialects) {
        return new DialectRegistry(List.of(dialects));
    }

    /**
     * Every dialect Headroom ships, in detection order: vLLM (and NIM), SGLang, TGI, Triton (with or without the
     * TensorRT-LLM backend), trtllm-serve, llama.cpp, LMDeploy. Each recognises only its own prefixes or names, so
     * the order matters only for payloads that carry two engines' families.
     */
    public static DialectRegistry standard() {
        return new DialectRegistry(builtIn());
    }

    /** Every dialect Headroom ships, then the user's {@link GenericDialect} under {@code generic}, detected last. */
    public static DialectRegistry standard(GenericDialect generic) {
        List<EngineDialect> all = builtIn();
        all.add(java.util.Objects.requireNonNull(generic, "generic"));
        return new DialectRegistry(all);
    }

    private static List<EngineDialect> builtIn() {
        return new ArrayList<>(List.of(new VllmDialect(), new SglangDialect(), new TgiDialect(), new TritonDialect(),
                new TrtllmServeDialect(), new LlamaCppDialect(), new LmdeployDialect()));
    }

    /** How to map an engine no dialect knows: the hint every "unrecognised" message ends with. */
    public static final String GENERIC_HINT = "to read another engine, configure the generic dialect: "
            + "SIGNAL.metric=FAMILY (SIGNAL: queue, running, kv_utilization, prompt_tokens, generation_tokens, ttft, "
            + "…), optional SIGNAL.match=label=value, SIGNAL.aggregate=sum|mean|max, SIGNAL.scale=0.001";

    /**
     * The message for a payload no dialect recognised: the dialects tried, up to {@code listed} of the families
     * seen, and how to configure the generic dialect.
     */
    public String unrecognisedMessage(List<String> seen, int listed) {
        if (seen.isEmpty()) {
            return "no dialect recognised an empty payload (no metric families); known dialects: " + byName.keySet();
        }
        String names = String.join(", ", seen.subList(0, Math.min(listed, seen.size())));
        String more = seen.size() > listed ? " and " + (seen.size() - listed) + " more" : "";
        return "no dialect (" + String.join(", ", byName.keySet()) + ") recognised these " + seen.size()
                + " families: " + names + more + "; " + GENERIC_HINT;
    }

    public Set<String> names() {
        return byName.keySet();
    }

    public Optional<EngineDialect> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The dialect for a configured name ({@code auto} gives empty: detect per payload); an unknown name is a
     * configuration error that lists the accepted ones.
     */
    public Optional<EngineDialect> resolve(String configured) {
        if (configured == null || configured.isBlank() || AUTO.equals(configured)) {
            return Optional.empty();
        }
        EngineDialect d = byName.get(configured);
        if (d == null) {
            throw new IllegalArgumentException(GenericDialect.NAME.equals(configured)
                    ? "the generic dialect needs a mapping, none was given; " + GENERIC_HINT
                    : "unknown engine dialect '" + configured + "'; expected " + AUTO + " or one of "
                            + byName.keySet());
        }
        return Optional.of(d);
    }

    /** The first dialect that recognises the payload. */
    public Optional<EngineDialect> detect(Exposition exposition) {
        for (EngineDialect d : byName.values()) {
            if (d.recognises(exposition)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** Families any registered dialect may read: the filter to parse with when the dialect is not yet known. */
    public FamilyFilter anyDialectFamilies() {
        return anyDialect;
    }

    public List<EngineDialect> dialects() {
        return new ArrayList<>(byName.values());
    }
}
