package dev.headroom.collectors.engine;

import dev.headroom.collectors.exposition.Exposition;
import dev.headroom.collectors.exposition.FamilyFilter;
import dev.headroom.collectors.exposition.Sample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * An engine Headroom does not know, mapped by the user: each canonical signal names a metric family, optionally
 * the series to keep ({@code label=value}), how to combine the kept series and a unit scale. The mapping is data,
 * validated once when built (every error collected, each naming its key and what was expected), and registered
 * under {@value #NAME}.
 *
 * <p>Configuration, one flat map of keys (the agent prefixes them, e.g. {@code headroom.engine.generic.}):
 * <pre>
 *   SIGNAL.metric     the family name as the payload spells it (required for each signal used)
 *   SIGNAL.match      label=value[,label=value…]: only series with all of these labels (default: all series)
 *   SIGNAL.aggregate  sum | mean | max over the kept series (gauges only; default sum, mean for kv_utilization)
 *   SIGNAL.scale      a positive factor to the canonical unit: 0.001 for ms, 1e-6 for µs, 0.01 for percent
 *   model-label       the label whose value names the model (optional)
 * </pre>
 * SIGNAL is one of {@link #SIGNAL_KEYS}. Gauges: {@code queue}, {@code running}, {@code kv_utilization} (0..1),
 * {@code kv_capacity_tokens}. Counters, summed over kept series ({@code x_total} or the OpenMetrics family {@code x}):
 * {@code prompt_tokens}, {@code generation_tokens}, {@code preemptions}, {@code requests_finished}. Latencies, a
 * histogram (or a summary, read as count and sum) whose series are added: {@code ttft}, {@code itl}, {@code e2e},
 * {@code queue_time}. A signal not configured is unknown.
 */
public final class GenericDialect implements EngineDialect {

    public static final String NAME = "generic";
    public static final String MODEL_LABEL_KEY = "model-label";

    /** How kept series combine into one gauge value. */
    public enum Aggregate { SUM, MEAN, MAX }

    /**
     * One signal's mapping.
     *
     * @param match label values a series must all carry to be read; empty: every series
     */
    public record Mapping(String signal, String metric, Map<String, String> match, Aggregate aggregate, double scale) {
        public Mapping {
            Objects.requireNonNull(signal, "signal");
            Objects.requireNonNull(metric, "metric");
            match = Collections.unmodifiableMap(new LinkedHashMap<>(match));
            Objects.requireNonNull(aggregate, "aggregate");
            if (!(scale > 0) || !Double.isFinite(scale)) {
                throw new IllegalArgumentException("scale must be a positive finite number, got " + scale);
            }
        }

        Predicate<Sample> series() {
            if (match.isEmpty()) {
                return FamilyReader.ALL_SERIES;
            }
            String[] names = match.keySet().toArray(new String[0]);
            String[] values = match.values().toArray(new String[0]);
            return s -> {
                for (int i = 0; i < names.length; i++) {
                    if (!values[i].equals(s.label(names[i]))) {
                        return false;
                    }
                }
                return true;
            };
        }
    }

    /** The signal keys accepted, in the order they are read. */
    public static final List<String> SIGNAL_KEYS = List.of("queue", "running", "kv_utilization", "kv_capacity_tokens",
            "prompt_tokens", "generation_tokens", "preemptions", "requests_finished", "ttft", "itl", "e2e",
            "queue_time");

    private static final Set<String> PROPERTIES = Set.of("metric", "match", "aggregate", "scale");
    private static final Map<String, GaugeSignal> GAUGES = Map.of("queue", GaugeSignal.QUEUE, "running",
            GaugeSignal.RUNNING, "kv_utilization", GaugeSignal.KV_UTILIZATION, "kv_capacity_tokens",
            GaugeSignal.KV_CAPACITY_TOKENS);
    private static final Map<String, CounterSignal> COUNTERS = Map.of("prompt_tokens", CounterSignal.PROMPT_TOKENS,
            "generation_tokens", CounterSignal.GENERATION_TOKENS, "preemptions", CounterSignal.PREEMPTIONS,
            "requests_finished", CounterSignal.REQUESTS_FINISHED);
    private static final Map<String, LatencySignal> LATENCIES = Map.of("ttft", LatencySignal.TTFT, "itl",
            LatencySignal.ITL, "e2e", LatencySignal.E2E, "queue_time", LatencySignal.QUEUE_TIME);

    private final List<Mapping> mappings;
    private final List<Predicate<Sample>> series;
    private final String modelLabel;
    private final Set<String> families;

    private GenericDialect(List<Mapping> mappings, String modelLabel) {
        this.mappings = List.copyOf(mappings);
        this.modelLabel = modelLabel;
        List<Predicate<Sample>> p = new ArrayList<>();
        Set<String> f = new HashSet<>();
        for (Mapping m : this.mappings) {
            p.add(m.series());
            f.add(m.metric());
            if (m.metric().endsWith("_total")) {
                f.add(m.metric().substring(0, m.metric().length() - "_total".length()));
            }
        }
        this.series = List.copyOf(p);
        this.families = Set.copyOf(f);
    }

    /**
     * Builds the dialect from configuration keys (see the class comment).
     *
     * @throws InvalidDialectConfigException listing every bad key at once
     */
    public static GenericDialect fromConfig(Map<String, String> config) {
        List<String> errors = new ArrayList<>();
        Map<String, Map<String, String>> bySignal = new TreeMap<>();
        String modelLabel = null;
        for (Map.Entry<String, String> e : new TreeMap<>(config).entrySet()) {
            String key = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue().trim();
            if (key.equals(MODEL_LABEL_KEY)) {
                if (!isLabelName(value)) {
                    errors.add(key + ": expected a label name ([a-zA-Z_][a-zA-Z0-9_]*), got '" + value + "'");
                }
                modelLabel = value;
                continue;
            }
            int dot = key.indexOf('.');
            String signal = dot < 0 ? key : key.substring(0, dot);
            String property = dot < 0 ? "" : key.substring(dot + 1);
            if (!SIGNAL_KEYS.contains(signal)) {
                errors.add(key + ": unknown key; expected SIGNAL.PROPERTY with SIGNAL one of " + SIGNAL_KEYS
                        + ", or " + MODEL_LABEL_KEY);
                continue;
            }
            if (!PROPERTIES.contains(property)) {
                errors.add(key + ": unknown property '" + property + "'; expected one of metric, match, aggregate, "
                        + "scale");
                continue;
            }
            bySignal.computeIfAbsent(signal, s -> new LinkedHashMap<>()).put(property, value);
        }
        List<Mapping> mappings = new ArrayList<>();
        for (String signal : SIGNAL_KEYS) {
            Map<String, String> props = bySignal.get(signal);
            if (props != null) {
                Mapping m = mapping(signal, props, errors);
                if (m != null) {
                    mappings.add(m);
                }
            }
        }
        if (mappings.isEmpty() && errors.isEmpty()) {
            errors.add("no signal configured: expected at least one SIGNAL.metric, e.g. queue.metric=my_waiting_requests;"
                    + " SIGNAL is one of " + SIGNAL_KEYS);
        }
        if (!errors.isEmpty()) {
            throw new InvalidDialectConfigException(NAME, errors);
        }
        return new GenericDialect(mappings, modelLabel);
    }

    private static Mapping mapping(String signal, Map<String, String> props, List<String> errors) {
        int before = errors.size();
        String metric = props.get("metric");
        if (metric == null || metric.isEmpty()) {
            errors.add(signal + ".metric: required when other " + signal + ".* keys are set; expected a metric "
                    + "family name");
        } else if (!isMetricName(metric)) {
            errors.add(signal + ".metric: expected a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*), got '" + metric + "'");
        }
        Map<String, String> match = new LinkedHashMap<>();
        String matchText = props.get("match");
        if (matchText != null && !matchText.isEmpty()) {
            for (String pair : matchText.split(",")) {
                int eq = pair.indexOf('=');
                String label = eq < 0 ? "" : pair.substring(0, eq).trim();
                String value = eq < 0 ? "" : pair.substring(eq + 1).trim();
                if (eq < 0 || !isLabelName(label)) {
                    errors.add(signal + ".match: expected label=value[,label=value…], got '" + pair.trim() + "'");
                } else if (match.putIfAbsent(label, unquote(value)) != null) {
                    errors.add(signal + ".match: label '" + label + "' given twice");
                }
            }
        }
        Aggregate aggregate = signal.equals("kv_utilization") ? Aggregate.MEAN : Aggregate.SUM;
        String aggregateText = props.get("aggregate");
        if (aggregateText != null) {
            if (!GAUGES.containsKey(signal)) {
                errors.add(signal + ".aggregate: only gauges (queue, running, kv_utilization, kv_capacity_tokens) "
                        + "take an aggregate; counters and latencies are always summed over series");
            } else {
                try {
                    aggregate = Aggregate.valueOf(aggregateText.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    errors.add(signal + ".aggregate: expected sum, mean or max, got '" + aggregateText + "'");
                }
            }
        }
        double scale = 1.0;
        String scaleText = props.get("scale");
        if (scaleText != null) {
            try {
                scale = Double.parseDouble(scaleText);
            } catch (NumberFormatException e) {
                scale = Double.NaN;
            }
            if (!(scale > 0) || !Double.isFinite(scale)) {
                errors.add(signal + ".scale: expected a positive number (e.g. 0.001 for milliseconds), got '"
                        + scaleText + "'");
            }
        }
        return errors.size() == before ? new Mapping(signal, metric, match, aggregate, scale) : null;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    private static boolean isMetricName(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    private static boolean isLabelName(String s) {
        return isMetricName(s) && s.indexOf(':') < 0;
    }

    public List<Mapping> mappings() {
        return mappings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public FamilyFilter families() {
        return families::contains;
    }

    /** When any configured family is present; detection tries this dialect after every built-in one. */
    @Override
    public boolean recognises(Exposition e) {
        for (Mapping m : mappings) {
            if (e.sawFamily(m.metric())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public EngineReading read(Exposition exposition, Instant scrapedAt) {
        SampleAssembler a = modelLabel == null ? new SampleAssembler(exposition)
                : new SampleAssembler(exposition, modelLabel);
        for (int i = 0; i < mappings.size(); i++) {
            Mapping m = mappings.get(i);
            a.only(series.get(i));
            GaugeSignal gauge = GAUGES.get(m.signal());
            CounterSignal counter = COUNTERS.get(m.signal());
            LatencySignal latency = LATENCIES.get(m.signal());
            if (gauge != null) {
                var f = a.use(m.metric());
                if (f != null) {
                    double v = switch (m.aggregate()) {
                        case SUM -> FamilyReader.sum(f, m.metric(), series.get(i));
                        case MEAN -> FamilyReader.mean(f, m.metric(), series.get(i));
                        case MAX -> FamilyReader.max(f, m.metric(), series.get(i));
                    };
                    a.gaugeValue(gauge, v * m.scale());
                }
            } else if (counter != null) {
                a.counterValue(counter, a.counterValue(m.metric(), m.scale()));
            } else if (latency != null) {
                a.latency(latency, m.metric(), m.scale());
            }
        }
        return a.reading(NAME, null, scrapedAt);
    }

    /** The configured mappings by canonical signal key, for display. */
    public Map<String, Mapping> bySignal() {
        Map<String, Mapping> out = new LinkedHashMap<>();
        mappings.forEach(m -> out.put(m.signal(), m));
        return Collections.unmodifiableMap(out);
    }
}
