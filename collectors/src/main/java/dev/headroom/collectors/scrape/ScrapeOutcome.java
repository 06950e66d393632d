package dev.headroom.collectors.scrape;

import dev.headroom.collectors.engine.EngineSample;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** The result of one scrape; a scrape never throws. */
public sealed interface ScrapeOutcome {

    URI url();

    Duration duration();

    /**
     * @param dialect   the registry name of the dialect that read it
     * @param bodyBytes bytes of the body as parsed (after decompression)
     */
    record Success(URI url, EngineSample sample, String dialect, List<String> usedFamilies, Duration duration,
            long bodyBytes) implements ScrapeOutcome {
        public Success {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(sample, "sample");
            Objects.requireNonNull(dialect, "dialect");
            Objects.requireNonNull(duration, "duration");
            usedFamilies = List.copyOf(usedFamilies);
        }
    }

    /**
     * @param message    one line saying what went wrong, with a hint where there is one
     * @param httpStatus the status for {@link FailureKind#HTTP_STATUS} and {@link FailureKind#METRICS_DISABLED}, else 0
     * @param line       for {@link FailureKind#MALFORMED}, the 1-based line of the error, else 0
     * @param column     for {@link FailureKind#MALFORMED}, the 1-based column of the error, else 0
     */
    record Failure(URI url, FailureKind kind, String message, Duration duration, int httpStatus, int line, int column)
            implements ScrapeOutcome {
        public Failure {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(duration, "duration");
        }

        static Failure of(URI url, FailureKind kind, String message, Duration duration) {
            return new Failure(url, kind, message, duration, 0, 0, 0);
        }
    }
}
