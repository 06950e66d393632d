package dev.headroom.evaluation;

import dev.headroom.autoscaler.policy.ReplicaReport;
import dev.headroom.signals.SampleWindow;
import dev.headroom.signals.WindowConfig;
import dev.headroom.collectors.engine.DialectRegistry;
import dev.headroom.collectors.engine.EngineSample;
import dev.headroom.collectors.engine.ReadOutcome;
import dev.headroom.collectors.engine.SampleReader;
import dev.headroom.simulator.cluster.ClusterView;
import dev.headroom.simulator.cluster.ReplicaView;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Headroom sidecar per simulated replica, on the production data path: the replica's {@code /metrics}
 * text, with the content type it would be served with, goes through the scraper's {@link SampleReader} (the
 * standard registry, the dialect detected from the families, as a sidecar configured with {@code auto}) into an
 * {@link EngineSample}, added to that replica's {@link SampleWindow}, and the window's signals become the
 * replica's {@link ReplicaReport}. Only the transport is missing: the text comes from the simulator instead of
 * over HTTP.
 *
 * <p>A payload that fails to parse or that no dialect recognises adds nothing (the window ages, as after a failed
 * scrape) and is counted. Not thread-safe: one controller, one thread.
 */
final class SimulatedSidecars {

    private final SampleReader reader;
    private final WindowConfig windowConfig;
    private final Map<Integer, SampleWindow> windows = new HashMap<>();
    private long parsed;
    private long failed;

    SimulatedSidecars(WindowConfig windowConfig) {
        this(windowConfig, new SampleReader(DialectRegistry.standard()));
    }

    SimulatedSidecars(WindowConfig windowConfig, SampleReader reader) {
        this.windowConfig = windowConfig;
        this.reader = reader;
    }

    /** One scrape tick: every ready replica's exposition read into its window; windows of departed replicas dropped. */
    void scrape(ClusterView view, Instant at) {
        List<ReplicaView> replicas = view.replicas();
        if (windows.size() > replicas.size()) {
            retainOnly(replicas);
        }
        for (ReplicaView r : replicas) {
            Optional<String> text = r.exposition();
            if (text.isEmpty()) {
                continue;
            }
            byte[] body = text.get().getBytes(StandardCharsets.UTF_8);
            ReadOutcome outcome = reader.read(body, 0, body.length, r.expositionContentType(), at);
            if (!(outcome instanceof ReadOutcome.Read read)) {
                failed++;
                continue;
            }
            windows.computeIfAbsent(r.id(), id -> new SampleWindow(windowConfig)).add(read.sample());
            parsed++;
        }
    }

    /** Each replica as the policy sees it: ready with its window's signals, or not ready while it starts. */
    List<ReplicaReport> reports(ClusterView view, Instant at) {
        List<ReplicaView> replicas = view.replicas();
        List<ReplicaReport> reports = new ArrayList<>(replicas.size());
        for (ReplicaView r : replicas) {
            if (!r.ready()) {
                reports.add(ReplicaReport.notReady(r.name()));
                continue;
            }
            SampleWindow w = windows.get(r.id());
            reports.add(w == null ? ReplicaReport.readyMissing(r.name()) : ReplicaReport.ready(r.name(), w.signals(at)));
        }
        return reports;
    }

    private void retainOnly(List<ReplicaView> replicas) {
        java.util.Set<Integer> live = new java.util.HashSet<>();
        for (ReplicaView r : replicas) {
            live.add(r.id());
        }
        windows.keySet().retainAll(live);
    }

    /** Expositions parsed and read. */
    long parsed() {
        return parsed;
    }

    /** Expositions that failed to parse or that no dialect recognised. */
    long failed() {
        return failed;
    }
}
