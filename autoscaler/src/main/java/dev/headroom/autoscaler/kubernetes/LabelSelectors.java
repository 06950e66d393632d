package dev.headroom.autoscaler.kubernetes;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A {@link LabelSelector} in the serialized form the API server takes in {@code ?labelSelector=} and writes into a
 * scale subresource's {@code status.selector} ({@code app=engine,tier in (a,b),!canary}). The controller watches a
 * workload's pods by this one form, whether the selector came from the policy or from the target.
 */
final class LabelSelectors {

    private LabelSelectors() {
    }

    /** Whether {@code s} selects by anything at all; an empty selector would select every pod in the namespace. */
    static boolean isEmpty(LabelSelector s) {
        return s == null || ((s.getMatchLabels() == null || s.getMatchLabels().isEmpty())
                && (s.getMatchExpressions() == null || s.getMatchExpressions().isEmpty()));
    }

    /** {@code s} serialized: its labels in key order, then its expressions in their order. */
    static String serialize(LabelSelector s) {
        List<String> terms = new ArrayList<>();
        if (s.getMatchLabels() != null) {
            new TreeMap<>(s.getMatchLabels()).forEach((k, v) -> terms.add(k + "=" + v));
        }
        if (s.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : s.getMatchExpressions()) {
                terms.add(term(r));
            }
        }
        return String.join(",", terms);
    }

    private static String term(LabelSelectorRequirement r) {
        String values = r.getValues() == null ? "" : String.join(",", r.getValues());
        return switch (r.getOperator()) {
            case "In" -> r.getKey() + " in (" + values + ")";
            case "NotIn" -> r.getKey() + " notin (" + values + ")";
            case "Exists" -> r.getKey();
            case "DoesNotExist" -> "!" + r.getKey();
            default -> throw new IllegalArgumentException("unknown label selector operator '" + r.getOperator()
                    + "' on key " + r.getKey() + "; expected In, NotIn, Exists or DoesNotExist");
        };
    }
}
