package dev.headroom.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON object for request bodies, read with jackson-core's streaming parser: objects become {@link Map}
 * (in document order), arrays {@link List}, numbers {@link Double}, plus {@link String}, {@link Boolean} and
 * {@code null}. Enough for an OpenAI-style completion body; no data binding.
 *
 * <p>Bounded: at most {@link #MAX_DEPTH} levels of objects and arrays, no document or string longer than
 * {@link EngineServer#MAX_BODY_BYTES} characters (the server refuses a larger body before it gets here). Every
 * error is an {@link IllegalArgumentException} saying {@code invalid JSON at offset N: what}, N the 0-based
 * character offset, which the server returns as a 400.
 */
final class JsonBody {

    static final int MAX_DEPTH = 32;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxDocumentLength(EngineServer.MAX_BODY_BYTES)
                    .maxStringLength(EngineServer.MAX_BODY_BYTES)
                    .build())
            .build();

    private JsonBody() {
    }

    /** Parses a JSON object; anything else, or anything after it, is an error. */
    static Map<String, Object> parseObject(String text) {
        try (JsonParser p = JSON.createParser(text)) {
            JsonToken first;
            try {
                first = p.nextToken();
            } catch (JsonProcessingException e) {
                first = null;
            }
            if (first != JsonToken.START_OBJECT) {
                throw error(0, "expected a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) value(p, first);
            JsonToken after;
            try {
                after = p.nextToken();
            } catch (JsonProcessingException e) {
                after = JsonToken.NOT_AVAILABLE;
            }
            if (after != null) {
                throw error(offset(p.currentTokenLocation()), "unexpected trailing content");
            }
            return map;
        } catch (StreamConstraintsException e) {
            throw error(offset(e.getLocation()), e.getOriginalMessage().startsWith("Document nesting depth")
                    ? "nesting deeper than " + MAX_DEPTH : firstLine(e.getOriginalMessage()));
        } catch (JsonEOFException e) {
            JsonToken decoding = e.getTokenBeingDecoded();
            throw error(offset(e.getLocation()), decoding == JsonToken.VALUE_STRING || decoding == JsonToken.FIELD_NAME
                    ? "unterminated string" : "unexpected end of input");
        } catch (JsonProcessingException e) {
            long at = offset(e.getLocation());
            // Jackson reports some ends of input (after a comma) as plain parse errors.
            throw error(at, at >= text.length() ? "unexpected end of input" : firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            // A String source does no I/O; kept for the parser's signature.
            throw error(0, e.getMessage());
        }
    }

    /** The value starting at {@code token}; the parser's own depth bound keeps this recursion short. */
    private static Object value(JsonParser p, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                    String key = p.currentName();
                    map.put(key, value(p, p.nextToken()));
                }
                return map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    list.add(value(p, t));
                }
                return list;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw error(offset(p.currentTokenLocation()), "unexpected " + token);
        }
    }

    private static long offset(JsonLocation at) {
        return at == null ? 0 : Math.max(0, at.getCharOffset());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static IllegalArgumentException error(long offset, String what) {
        return new IllegalArgumentException("invalid JSON at offset " + offset + ": " + what);
    }
}
