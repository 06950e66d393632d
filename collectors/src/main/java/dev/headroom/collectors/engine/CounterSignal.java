package dev.headroom.collectors.engine;

/** Monotonic totals an engine reports; rates are derived over a window, never read from a single scrape. */
public enum CounterSignal {
    PROMPT_TOKENS,
    GENERATION_TOKENS,
    /** Preemptions (vLLM) or retractions (SGLang). */
    PREEMPTIONS,
    /** Requests that finished, any reason. */
    REQUESTS_FINISHED
}
