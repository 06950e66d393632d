package dev.headroom.agent.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * Parses the durations people type on a command line: {@code 500ms}, {@code 1s}, {@code 2m}, {@code 1h}, a bare
 * number of seconds, or ISO-8601 ({@code PT1S}). Options take them through {@link DurationConverter}.
 */
final class Durations {

    private Durations() {
    }

    /** A positive duration, or an error that says which forms are accepted and what was given. */
    static Duration parse(String text) {
        return parse(text, false);
    }

    /** As {@link #parse(String)}; {@code zeroAllowed}: 0 is accepted too (a cold start that takes no time). */
    static Duration parse(String text, boolean zeroAllowed) {
        Duration d;
        try {
            d = read(text.trim());
        } catch (IllegalArgumentException | DateTimeParseException | StringIndexOutOfBoundsException | ArithmeticException e) {
            d = null;
        }
        if (d == null || d.isNegative() || d.isZero() && !zeroAllowed) {
            throw new IllegalArgumentException("must be a " + (zeroAllowed ? "non-negative" : "positive")
                    + " duration such as 500ms, 1s, 2m or PT1S, was '" + text + "'");
        }
        return d;
    }

    private static Duration read(String t) {
        if (t.startsWith("P") || t.startsWith("p")) {
            return Duration.parse(t);
        }
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        char unit = t.charAt(t.length() - 1);
        String number = Character.isDigit(unit) ? t : t.substring(0, t.length() - 1);
        double value = Double.parseDouble(number);
        double seconds = switch (Character.isDigit(unit) ? 's' : unit) {
            case 's' -> value;
            case 'm' -> value * 60;
            case 'h' -> value * 3600;
            default -> throw new IllegalArgumentException();
        };
        if (!Double.isFinite(seconds)) {
            throw new IllegalArgumentException();
        }
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }
}
