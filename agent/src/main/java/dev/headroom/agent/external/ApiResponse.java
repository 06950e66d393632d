package dev.headroom.agent.external;

import java.util.Objects;

/**
 * One answer of the external metrics API, independent of the HTTP server that writes it.
 *
 * @param status      the HTTP status
 * @param contentType the media type of {@code body}
 * @param body        the body
 */
public record ApiResponse(int status, String contentType, String body) {

    public ApiResponse {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
    }

    static ApiResponse json(int status, String body) {
        return new ApiResponse(status, "application/json", body);
    }
}
