package dev.headroom.collectors.engine;

import java.nio.charset.StandardCharsets;

/**
 * Reads llama.cpp's {@code /slots} JSON (an array of slot objects) down to the numbers occupancy needs, without a
 * JSON library: per slot its context size {@code n_ctx}, whether it is processing, and the tokens it holds. Anything
 * else is skipped structurally. Bounded: nesting deeper than {@link #MAX_DEPTH} or any syntax error gives null.
 *
 * <p>Tokens held by a processing slot: {@code n_prompt_tokens} (which, in current servers, grows as tokens are
 * generated), or {@code n_prompt_tokens_processed + next_token[0].n_decoded} when that is larger; older servers
 * that print {@code n_past} use it. Idle slots hold only a prompt cache that any new request may evict, so they
 * count as free.
 */
final class SlotsDocument {

    static final int MAX_DEPTH = 16;

    /** Sum over slots: context capacity and tokens held by processing slots. */
    record Occupancy(int slots, double contextTokens, double usedTokens) {
    }

    private final String s;
    private int i;

    private SlotsDocument(String s) {
        this.s = s;
    }

    /** The occupancy the document describes, or null when it is not a non-empty array of slots with {@code n_ctx}. */
    static Occupancy read(byte[] body, int length) {
        try {
            return new SlotsDocument(new String(body, 0, length, StandardCharsets.UTF_8)).slots();
        } catch (IllegalStateException | IndexOutOfBoundsException | NumberFormatException e) {
            return null;
        }
    }

    private Occupancy slots() {
        ws();
        expect('[');
        int slots = 0;
        double ctx = 0;
        double used = 0;
        ws();
        if (peek() == ']') {
            return null;
        }
        while (true) {
            Slot slot = new Slot();
            slot(slot);
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
            ws();
            char c = next();
            if (c == ']') {
                break;
            }
            if (c != ',') {
                throw new IllegalStateException("expected , or ]");
            }
        }
        return new Occupancy(slots, ctx, used);
    }

    private static final class Slot {
        double nCtx = -1;
        boolean processing;
        double promptTokens;
        double promptProcessed;
        double decoded;
        double nPast;
    }

    private void slot(Slot slot) {
        ws();
        expect('{');
        ws();
        if (peek() == '}') {
            i++;
            return;
        }
        while (true) {
            ws();
            String key = string();
            ws();
            expect(':');
            ws();
            switch (key) {
                case "n_ctx" -> slot.nCtx = number();
                case "is_processing" -> slot.processing = bool();
                case "state" -> slot.processing = number() != 0; // older servers: 0 idle, 1 processing
                case "n_prompt_tokens" -> slot.promptTokens = number();
                case "n_prompt_tokens_processed" -> slot.promptProcessed = number();
                case "n_past" -> slot.nPast = number();
                case "next_token" -> slot.decoded = decodedOf();
                default -> skip(1);
            }
            ws();
            char c = next();
            if (c == '}') {
                return;
            }
            if (c != ',') {
                throw new IllegalStateException("expected , or }");
            }
        }
    }

    /** {@code next_token}: an object, or an array of them, with {@code n_decoded}. */
    private double decodedOf() {
        double decoded = 0;
        char c = peek();
        if (c == '[') {
            i++;
            ws();
            if (peek() == ']') {
                i++;
                return 0;
            }
            while (true) {
                ws();
                decoded = Math.max(decoded, decodedObject());
                ws();
                char d = next();
                if (d == ']') {
                    return decoded;
                }
                if (d != ',') {
                    throw new IllegalStateException("expected , or ]");
                }
            }
        }
        return c == '{' ? decodedObject() : skipReturningZero();
    }

    private double skipReturningZero() {
        skip(1);
        return 0;
    }

    private double decodedObject() {
        expect('{');
        double decoded = 0;
        ws();
        if (peek() == '}') {
            i++;
            return 0;
        }
        while (true) {
            ws();
            String key = string();
            ws();
            expect(':');
            ws();
            if (key.equals("n_decoded")) {
                decoded = number();
            } else {
                skip(2);
            }
            ws();
            char c = next();
            if (c == '}') {
                return decoded;
            }
            if (c != ',') {
                throw new IllegalStateException("expected , or }");
            }
        }
    }

    /** Skips one value of any kind. */
    private void skip(int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalStateException("nested too deep");
        }
        ws();
        char c = peek();
        if (c == '"') {
            string();
        } else if (c == '{' || c == '[') {
            char close = c == '{' ? '}' : ']';
            i++;
            ws();
            if (peek() == close) {
                i++;
                return;
            }
            while (true) {
                ws();
                if (close == '}') {
                    string();
                    ws();
                    expect(':');
                }
                skip(depth + 1);
                ws();
                char d = next();
                if (d == close) {
                    return;
                }
                if (d != ',') {
                    throw new IllegalStateException("expected , or " + close);
                }
            }
        } else if (c == 't' || c == 'f') {
            bool();
        } else if (c == 'n') {
            literal("null");
        } else {
            number();
        }
    }

    private boolean bool() {
        if (peek() == 't') {
            literal("true");
            return true;
        }
        literal("false");
        return false;
    }

    private void literal(String word) {
        if (!s.startsWith(word, i)) {
            throw new IllegalStateException("expected " + word);
        }
        i += word.length();
    }

    private double number() {
        int start = i;
        while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        if (start == i) {
            throw new IllegalStateException("expected a number");
        }
        try {
            return Double.parseDouble(s.substring(start, i));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("bad number");
        }
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = s.charAt(i++);
            if (c == '"') {
                return b.toString();
            }
            if (c == '\\') {
                char e = s.charAt(i++);
                if (e == 'u') {
                    b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                } else {
                    b.append(e);
                }
            } else {
                b.append(c);
            }
        }
    }

    private void ws() {
        while (i < s.length() && s.charAt(i) <= ' ') {
            i++;
        }
    }

    private char peek() {
        return s.charAt(i);
    }

    private char next() {
        return s.charAt(i++);
    }

    private void expect(char c) {
        if (s.charAt(i) != c) {
            throw new IllegalStateException("expected " + c);
        }
        i++;
    }
}
