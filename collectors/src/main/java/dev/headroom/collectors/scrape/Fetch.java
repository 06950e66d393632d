package dev.headroom.collectors.scrape;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * One GET of a metrics endpoint before any parsing: the body (decompressed, bounded) or why there is none.
 * {@link Scraper#scrape()} parses it; tools that show a payload as it is ({@code headroom inspect}) use it directly.
 */
public sealed interface Fetch {

    /**
     * @param bytes       the body; only the first {@code length} bytes are meaningful
     * @param contentType the response's Content-Type, or null when it sent none
     */
    record Body(URI url, byte[] bytes, int length, String contentType, Duration duration) implements Fetch {
        public Body {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(bytes, "bytes");
            if (length < 0 || length > bytes.length) {
                throw new IllegalArgumentException("length " + length + " outside the body of " + bytes.length + " bytes");
            }
        }
    }

    record Failed(ScrapeOutcome.Failure failure) implements Fetch {
        public Failed {
            Objects.requireNonNull(failure, "failure");
        }
    }
}
