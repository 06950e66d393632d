package dev.headroom.collectors.engine;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;

/**
 * Reads llama.cpp's {@code /slots} JSON (an array of slot objects) down to the numbers occupancy needs, with
 * jackson-core's streaming parser: per slot its context size {@code n_ctx}, whether it is processing, and the tokens
 * it holds. Anything else is skipped without being built. Bounded: the slot array, a slot, and at most
 * {@link #MAX_DEPTH} levels of objects and arrays within a slot's field; deeper nesting, invalid JSON or a field of
 * the wrong type gives null (the body itself is bounded by the scraper before it gets here).
 *
 * <p>Tokens held by a processing slot: {@code n_prompt_tokens} (which, in current servers, grows as tokens are
 * generated), or {@code n_prompt_tokens_processed + next_token[0].n_decoded} when that is larger; older servers
 * that print {@code n_past} use it. Idle slots hold only a prompt cache that any new request may evict, so they
 * count as free.
 */
final class SlotsDocument {

    static final int MAX_DEPTH = 16;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH + 2).build())
            .build();

    /** Sum over slots: context capacity and tokens held by processing slots. */
    record Occupancy(int slots, double contextTokens, double usedTokens) {
    }

    private SlotsDocument() {
    }

    /** The occupancy the document describes, or null when it is not a non-empty array of slots with {@code n_ctx}. */
    static Occupancy read(byte[] body, int length) {
        try (JsonParser p = JSON.createParser(body, 0, length)) {
            return slots(p);
        } catch (IOException | NotSlots e) {
            return null;
        }
    }

    /** The document is JSON but not what {@code /slots} serves. */
    private static final class NotSlots extends Exception {
        private static final long serialVersionUID = 1L;

        NotSlots() {
            super(null, null, false, false);
        }
    }

    private static Occupancy slots(JsonParser p) throws IOException, NotSlots {
        expect(p.nextToken(), JsonToken.START_ARRAY);
        int slots = 0;
        double ctx = 0;
        double used = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            expect(t, JsonToken.START_OBJECT);
            Slot slot = slot(p);
            if (slot.nCtx <= 0) {
                return null;
            }
            slots++;
            ctx += slot.nCtx;
            if (slot.processing) {
                double held = Math.max(slot.promptTokens, slot.promptProcessed + slot.decoded);
                held = Math.max(held, slot.nPast);
                used += Math.min(held, slot.nCtx);
            }
        }
        return slots == 0 ? null : new Occupancy(slots, ctx, used);
    }

    private static final class Slot {
        double nCtx = -1;
        boolean processing;
        double promptTokens;
        double promptProcessed;
        double decoded;
        double nPast;
    }

    /** One slot object, the parser on its start; leaves it on its end. */
    private static Slot slot(JsonParser p) throws IOException, NotSlots {
        Slot slot = new Slot();
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            switch (key) {
                case "n_ctx" -> slot.nCtx = number(p, value);
                case "is_processing" -> slot.processing = bool(value);
                case "state" -> slot.processing = number(p, value) != 0; // older servers: 0 idle, 1 processing
                case "n_prompt_tokens" -> slot.promptTokens = number(p, value);
                case "n_prompt_tokens_processed" -> slot.promptProcessed = number(p, value);
                case "n_past" -> slot.nPast = number(p, value);
                case "next_token" -> slot.decoded = decodedOf(p, value);
                default -> p.skipChildren();
            }
        }
        return slot;
    }

    /** {@code next_token}: an object, or an array of them, with {@code n_decoded}; anything else counts 0. */
    private static double decodedOf(JsonParser p, JsonToken value) throws IOException, NotSlots {
        if (value == JsonToken.START_OBJECT) {
            return decodedObject(p);
        }
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return 0;
        }
        double decoded = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            expect(t, JsonToken.START_OBJECT);
            decoded = Math.max(decoded, decodedObject(p));
        }
        return decoded;
    }

    private static double decodedObject(JsonParser p) throws IOException, NotSlots {
        double decoded = 0;
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            if (key.equals("n_decoded")) {
                decoded = number(p, value);
            } else {
                p.skipChildren();
            }
        }
        return decoded;
    }

    private static double number(JsonParser p, JsonToken value) throws IOException, NotSlots {
        if (value != JsonToken.VALUE_NUMBER_INT && value != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new NotSlots();
        }
        return p.getDoubleValue();
    }

    private static boolean bool(JsonToken value) throws NotSlots {
        if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
            throw new NotSlots();
        }
        return value == JsonToken.VALUE_TRUE;
    }

    private static void expect(JsonToken got, JsonToken wanted) throws NotSlots {
        if (got != wanted) {
            throw new NotSlots();
        }
    }
}
