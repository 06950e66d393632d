package dev.headroom.collectors.exposition;

import java.util.Arrays;
import java.util.Objects;

/**
 * The labels of one sample, in the order the payload gave them. Immutable; backed by one array of
 * alternating names and values so that a parsed sample costs one array, not a map.
 */
public final class Labels {

    public static final Labels EMPTY = new Labels(new String[0]);

    private final String[] pairs;

    /** Takes ownership of {@code pairs}; the parser hands over a fresh array. */
    Labels(String[] pairs) {
        this.pairs = pairs;
    }

    /** Labels from alternating names and values, e.g. {@code of("model_name", "m", "engine", "0")}. */
    public static Labels of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("labels need a value for every name, got " + namesAndValues.length
                    + " strings");
        }
        for (String s : namesAndValues) {
            Objects.requireNonNull(s, "label name or value");
        }
        return namesAndValues.length == 0 ? EMPTY : new Labels(namesAndValues.clone());
    }

    public int size() {
        return pairs.length >> 1;
    }

    public boolean isEmpty() {
        return pairs.length == 0;
    }

    public String name(int i) {
        return pairs[i << 1];
    }

    public String value(int i) {
        return pairs[(i << 1) + 1];
    }

    /** The value of a label, or null when the sample has no such label. */
    public String get(String name) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i].equals(name)) {
                return pairs[i + 1];
            }
        }
        return null;
    }

    public boolean has(String name) {
        return get(name) != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Labels l && Arrays.equals(pairs, l.pairs);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(pairs);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < pairs.length; i += 2) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(pairs[i]).append("=\"");
            String v = pairs[i + 1];
            for (int j = 0; j < v.length(); j++) {
                char c = v.charAt(j);
                switch (c) {
                    case '\\' -> sb.append("\\\\");
                    case '"' -> sb.append("\\\"");
                    case '\n' -> sb.append("\\n");
                    default -> sb.append(c);
                }
            }
            sb.append('"');
        }
        return sb.append('}').toString();
    }
}
