package dev.headroom.signals.monitor;

import dev.headroom.signals.Signal;
import dev.headroom.signals.Signals;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Whether an engine has drained, for a pod's {@code preStop} hook: the engine reports no request running and none
 * waiting. Read from the sidecar's latest {@link EngineState}, so as fresh as its last scrape (one scrape interval
 * at most, plus the scrape); a hook that must not race a request arriving in that interval asks twice, one interval
 * apart (the chart's recipe does).
 *
 * <p>Missing data is never "drained": an engine that did not answer its last scrape, signals gone stale, or an
 * engine that does not report running or waiting requests is {@link Verdict#UNKNOWN}, with the reason. A hook then
 * keeps waiting until its bound, as it would for a busy engine.
 *
 * @param verdict  drained, busy or unknown
 * @param running  requests running in the engine, when known
 * @param waiting  requests waiting in the engine, when known
 * @param age      how old the reading is, when there is one
 * @param reason   one line: what the verdict rests on
 */
public record DrainState(Verdict verdict, OptionalDouble running, OptionalDouble waiting, Optional<Duration> age,
                         String reason) {

    /** What the engine's counts say. */
    public enum Verdict {
        /** 0 running and 0 waiting, read fresh from a reachable engine. */
        DRAINED,
        /** Requests are running or waiting. */
        BUSY,
        /** Not known: the engine is unreachable, its signals stale, or it does not report the counts. */
        UNKNOWN;

        /** Lower case, for JSON. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public DrainState {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(running, "running");
        Objects.requireNonNull(waiting, "waiting");
        Objects.requireNonNull(age, "age");
        Objects.requireNonNull(reason, "reason");
    }

    /** The drain state {@code state} shows. */
    public static DrainState of(EngineState state) {
        Objects.requireNonNull(state, "state");
        Signals s = state.signals();
        if (!state.engineUp()) {
            String why = state.lastScrape().map(l -> l.outcome() + (l.message().isEmpty() ? "" : ": " + l.message()))
                    .orElse("not scraped yet");
            return unknown(s, "the engine did not answer its last scrape (" + why + ")");
        }
        if (s.stale()) {
            return unknown(s, "the engine's signals are stale");
        }
        OptionalDouble running = s.get(Signal.RUNNING);
        OptionalDouble waiting = s.get(Signal.QUEUE);
        Optional<Duration> age = Optional.of(s.age());
        if (running.isEmpty() || waiting.isEmpty()) {
            return new DrainState(Verdict.UNKNOWN, running, waiting, age,
                    "the engine does not report " + (running.isEmpty() ? "running" : "waiting") + " requests");
        }
        double r = running.getAsDouble();
        double w = waiting.getAsDouble();
        if (r == 0 && w == 0) {
            return new DrainState(Verdict.DRAINED, running, waiting, age, "0 running and 0 waiting");
        }
        return new DrainState(Verdict.BUSY, running, waiting, age, String.format(Locale.ROOT,
                "%s running and %s waiting", whole(r), whole(w)));
    }

    private static DrainState unknown(Signals s, String reason) {
        return new DrainState(Verdict.UNKNOWN, OptionalDouble.empty(), OptionalDouble.empty(),
                s.age().equals(Signals.NEVER) ? Optional.empty() : Optional.of(s.age()), reason);
    }

    private static String whole(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** Whether the engine has drained. */
    public boolean drained() {
        return verdict == Verdict.DRAINED;
    }
}
