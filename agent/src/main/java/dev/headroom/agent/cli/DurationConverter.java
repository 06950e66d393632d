package dev.headroom.agent.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

/**
 * Reads a duration option ({@code 500ms}, {@code 5s}, {@code 2m}, a bare number of seconds, or ISO-8601) into a
 * {@link Duration}, once, where the command line is parsed; picocli names the option in the error.
 */
public final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /** As {@link DurationConverter}, 0 accepted too. */
    public static final class ZeroAllowed implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            try {
                return Durations.parse(text, true);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
