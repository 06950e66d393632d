package dev.headroom.agent.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/** Parses the durations people type on a command line: {@code 500ms}, {@code 1s}, {@code 2m}, or ISO-8601. */
final class Durations {

    private Durations() {
    }

    static Duration parse(String option, String text) {
        String t = text.trim();
        try {
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
            if (!(seconds > 0) || !Double.isFinite(seconds)) {
                throw new IllegalArgumentException();
            }
            return Duration.ofNanos(Math.round(seconds * 1e9));
        } catch (IllegalArgumentException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException(option + " must be a positive duration such as 500ms, 1s, 2m or PT1S, was '" + text + "'");
        }
    }
}
