package dev.headroom.autoscaler.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.signals.Signal;
import dev.headroom.signals.Signals;
import dev.headroom.signals.WindowConfig;
import dev.headroom.collectors.engine.EngineIdentity;
import dev.headroom.collectors.engine.Rejection;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a sidecar's {@code GET /v1/signals} body (the agent's {@code SignalsView}) back into {@link Signals}.
 *
 * <p>Only what the policy needs is read: {@code stale}, {@code ageSeconds}, {@code samples}, the
 * {@code signals} map and the engine's identity. A {@code null} signal is unknown and left out; a key this
 * version does not know is skipped (a newer sidecar); a value that is not a finite number is an error naming
 * the key. The sidecar's clock is not compared with the controller's: the data's age is the sidecar's
 * {@code ageSeconds}, counted from the moment the controller received the answer.
 *
 * <p>A number no engine can have (a negative queue, a KV ratio of 7) is not clamped and not taken: the signal is
 * left out and listed in {@link Signals#rejected()}, as are the signals the sidecar itself says it rejected, and
 * {@code WorkloadSnapshot} counts such a pod as missing data (no scale-down on it).
 */
public final class SidecarSignals {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SidecarSignals() {
    }

    /**
     * @param body       the JSON body
     * @param receivedAt when the answer arrived, by the controller's clock
     * @throws SidecarReadException naming what is wrong
     */
    public static Signals parse(byte[] body, Instant receivedAt) throws SidecarReadException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new SidecarReadException("not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new SidecarReadException("unreadable body: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SidecarReadException("expected a JSON object with 'signals', 'stale' and 'samples'");
        }
        JsonNode stale = root.get("stale");
        JsonNode samples = root.get("samples");
        JsonNode values = root.get("signals");
        if (stale == null || !stale.isBoolean()) {
            throw new SidecarReadException("'stale' must be true or false, got " + stale);
        }
        // Bounded: the controller compares the pods' counts (a window still filling), and one absurd count would
        // make every other pod's window look as if it were filling.
        if (samples == null || !samples.canConvertToInt() || samples.asInt() < 0
                || samples.asInt() > WindowConfig.MAX_SAMPLES_LIMIT) {
            throw new SidecarReadException("'samples' must be a count from 0 to " + WindowConfig.MAX_SAMPLES_LIMIT
                    + " (no sidecar window holds more), got " + samples);
        }
        if (values == null || !values.isObject()) {
            throw new SidecarReadException("'signals' must be an object of signal key to number or null, got "
                    + values);
        }
        JsonNode engine = root.path("engine");
        EngineIdentity identity = new EngineIdentity(text(engine.get("dialect")), text(engine.get("model")),
                text(engine.get("version")));
        int count = samples.asInt();
        boolean isStale = stale.asBoolean() || count == 0;
        JsonNode ageNode = root.get("ageSeconds");
        Duration age = Signals.NEVER;
        if (ageNode != null && !ageNode.isNull()) {
            if (!ageNode.isNumber() || !Double.isFinite(ageNode.asDouble()) || ageNode.asDouble() < 0) {
                throw new SidecarReadException("'ageSeconds' must be a number ≥ 0 or null, got " + ageNode);
            }
            age = Duration.ofNanos(Math.round(ageNode.asDouble() * 1e9));
        } else if (!isStale) {
            throw new SidecarReadException("'ageSeconds' is null on signals that are not stale");
        }
        Map<Signal, Double> known = new EnumMap<>(Signal.class);
        Map<Signal, Rejection> rejected = new EnumMap<>(Signal.class);
        if (!isStale) {
            for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                Signal signal = Signal.fromKey(e.getKey()).orElse(null);
                JsonNode v = e.getValue();
                if (signal == null || v.isNull()) {
                    continue;
                }
                if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                    throw new SidecarReadException("signal '" + e.getKey() + "' must be a finite number or null, got "
                            + v);
                }
                double value = v.asDouble();
                Optional<Rejection.Reason> invalid = signal.invalid(value);
                if (invalid.isPresent()) {
                    // Never clamped: a queue of −50 read as 0 is an idle pod, and a scale-down under load.
                    rejected.put(signal, new Rejection(signal.reading(), invalid.get(),
                            "the sidecar sent " + signal.key() + " " + value + ", which no engine can have"));
                } else {
                    known.put(signal, value);
                }
            }
            readRejected(root.get("rejected"), known, rejected);
        }
        return new Signals(receivedAt, identity, known, isStale, age, count, rejected);
    }

    /** The sidecar's own {@code rejected} list, where it sends one: each reason and detail, kept as they came. */
    private static void readRejected(JsonNode node, Map<Signal, Double> known, Map<Signal, Rejection> into) {
        if (node == null || !node.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Signal signal = Signal.fromKey(e.getKey()).orElse(null);
            if (signal == null || known.containsKey(signal) || into.containsKey(signal)) {
                continue;
            }
            Rejection.Reason reason = reason(text(e.getValue().get("reason")));
            String detail = text(e.getValue().get("detail"));
            into.put(signal, new Rejection(signal.reading(), reason,
                    detail == null || detail.isBlank() ? "rejected by the sidecar" : detail));
        }
    }

    /** A reason this version knows; one from a newer sidecar reads as out of range (it is rejected all the same). */
    private static Rejection.Reason reason(String key) {
        for (Rejection.Reason r : Rejection.Reason.values()) {
            if (r.key().equals(key)) {
                return r;
            }
        }
        return Rejection.Reason.OUT_OF_RANGE;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }
}
