package dev.headroom.agent.external;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A Kubernetes label selector as the HPA sends it in {@code ?labelSelector=} (the metric's {@code selector}):
 * {@code k=v}, {@code k==v}, {@code k!=v}, {@code k in (a,b)}, {@code k notin (a,b)}, {@code k}, {@code !k},
 * joined by commas. Parsed once per request; requests are rare (one per HPA per 15 s).
 *
 * @param requirements every requirement, all of which must hold
 */
public record LabelSelector(List<Requirement> requirements) {

    /** The label that names a workload (its {@code HeadroomPolicy}) in Headroom's external metrics. */
    public static final String WORKLOAD_LABEL = "workload";

    public LabelSelector {
        requirements = List.copyOf(requirements);
    }

    /** One requirement of a selector. */
    public record Requirement(String key, Operator operator, Set<String> values) {
        public Requirement {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(operator, "operator");
            values = Set.copyOf(values);
        }

        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (operator) {
                case EQUALS, IN -> v != null && values.contains(v);
                case NOT_EQUALS, NOT_IN -> v == null || !values.contains(v);
                case EXISTS -> v != null;
                case DOES_NOT_EXIST -> v == null;
            };
        }
    }

    /** A requirement's operator. */
    public enum Operator { EQUALS, NOT_EQUALS, IN, NOT_IN, EXISTS, DOES_NOT_EXIST }

    /** A selector that cannot be parsed, with what is wrong and where. */
    public static final class InvalidSelectorException extends Exception {
        public InvalidSelectorException(String message) {
            super(message);
        }
    }

    /** Whether every requirement holds for {@code labels}. */
    public boolean matches(Map<String, String> labels) {
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The one workload this selector names: a requirement {@code workload=NAME} (or {@code ==}, or {@code in} with
     * one value). Empty when it names none or several: the HPA sums every item, and a sum of several workloads'
     * replica counts means nothing, so such a selector is refused rather than answered.
     */
    public Optional<String> workload() {
        String found = null;
        for (Requirement r : requirements) {
            if (r.key.equals(WORKLOAD_LABEL) && (r.operator == Operator.EQUALS || r.operator == Operator.IN)) {
                if (r.values.size() != 1) {
                    return Optional.empty();
                }
                String v = r.values.iterator().next();
                if (found != null && !found.equals(v)) {
                    return Optional.empty();
                }
                found = v;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Parses a selector; an empty or absent one selects everything. */
    public static LabelSelector parse(String selector) throws InvalidSelectorException {
        List<Requirement> out = new ArrayList<>();
        if (selector == null || selector.isBlank()) {
            return new LabelSelector(out);
        }
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= selector.length(); i++) {
            char c = i < selector.length() ? selector.charAt(i) : ',';
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth < 0) {
                    throw new InvalidSelectorException("unbalanced ')' at position " + i + " in '" + selector + "'");
                }
            } else if (c == ',' && depth == 0) {
                out.add(requirement(selector.substring(start, i).trim(), selector));
                start = i + 1;
            }
        }
        if (depth != 0) {
            throw new InvalidSelectorException("unbalanced '(' in '" + selector + "'");
        }
        return new LabelSelector(out);
    }

    private static Requirement requirement(String r, String whole) throws InvalidSelectorException {
        if (r.isEmpty()) {
            throw new InvalidSelectorException("an empty requirement in '" + whole + "'");
        }
        int ne = r.indexOf("!=");
        if (ne > 0) {
            return new Requirement(key(r.substring(0, ne), whole), Operator.NOT_EQUALS, Set.of(value(r.substring(ne + 2), whole)));
        }
        int eq = r.indexOf('=');
        if (eq > 0) {
            int valueStart = r.startsWith("==", eq) ? eq + 2 : eq + 1;
            return new Requirement(key(r.substring(0, eq), whole), Operator.EQUALS, Set.of(value(r.substring(valueStart), whole)));
        }
        int paren = r.indexOf('(');
        if (paren > 0) {
            String head = r.substring(0, paren).trim();
            int space = head.lastIndexOf(' ');
            if (space < 0 || !r.endsWith(")")) {
                throw new InvalidSelectorException("expected 'key in (a,b)' or 'key notin (a,b)', got '" + r + "' in '"
                        + whole + "'");
            }
            String op = head.substring(space + 1);
            Operator operator = switch (op) {
                case "in" -> Operator.IN;
                case "notin" -> Operator.NOT_IN;
                default -> throw new InvalidSelectorException("unknown operator '" + op + "' in '" + r
                        + "' (expected =, ==, !=, in, notin)");
            };
            Set<String> values = new LinkedHashSet<>();
            for (String v : r.substring(paren + 1, r.length() - 1).split(",")) {
                values.add(value(v, whole));
            }
            return new Requirement(key(head.substring(0, space), whole), operator, values);
        }
        if (r.startsWith("!")) {
            return new Requirement(key(r.substring(1), whole), Operator.DOES_NOT_EXIST, Set.of());
        }
        return new Requirement(key(r, whole), Operator.EXISTS, Set.of());
    }

    private static String key(String k, String whole) throws InvalidSelectorException {
        String t = k.trim();
        if (t.isEmpty() || t.indexOf(' ') >= 0 || t.indexOf('!') >= 0) {
            throw new InvalidSelectorException("invalid label key '" + t + "' in '" + whole + "'");
        }
        return t;
    }

    private static String value(String v, String whole) throws InvalidSelectorException {
        String t = v.trim();
        if (t.indexOf(' ') >= 0 || t.indexOf('=') >= 0 || t.indexOf('(') >= 0 || t.indexOf(')') >= 0) {
            throw new InvalidSelectorException("invalid label value '" + t + "' in '" + whole + "'");
        }
        return t;
    }
}
