package dev.headroom.simulator.trace;

/**
 * What a replay does with a request longer than the engine's {@code maxModelLen} (prompt + output), which a
 * real engine would reject with a 400. Either way the replay counts it.
 */
public enum LengthRule {
    /**
     * Keep the request, shortened: output to at most {@code maxModelLen − 1} tokens, then the prompt to what
     * is left (a client truncating its context to fit, as chat front-ends do).
     */
    CLIP,
    /** Leave the request out (the client got a 400 and the engine never saw it). */
    DROP
}
