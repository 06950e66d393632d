package dev.headroom.agent.controller.fleet;

import dev.headroom.agent.controller.ControllerRun;
import dev.headroom.autoscaler.kubernetes.crd.ScalingMode;
import dev.headroom.autoscaler.kubernetes.crd.SignalSource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One controller at fleet size, in two processes so that the controller's process holds nothing but the controller
 * (run by {@code src/e2e/fleet-bench.sh}):
 *
 * <pre>
 * FleetBench serve PODS SOURCE READY_FILE LIFETIME_S   # the API server and the pods' endpoints ({@link FleetFixture})
 * FleetBench control READY_FILE WARMUP_S MEASURE_S     # the controller, measured; prints one row
 * </pre>
 *
 * The controller is the production one, built as {@code headroom controller} builds it ({@link ControllerRun}, its
 * defaults: 1 s interval, 500 ms poll timeout, 8 workloads at once, 16 HTTP clients), in {@code dry-run} so that
 * the fleet stays as it is. What is measured comes from the controller's own timestamps ({@link FleetProbe}) and
 * from Linux ({@link ProcessFootprint}), over {@code MEASURE_S} after {@code WARMUP_S}.
 */
public final class FleetBench {

    private FleetBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 5 && args[0].equals("serve")) {
            serve(Integer.parseInt(args[1]), SignalSource.valueOf(args[2].toUpperCase(Locale.ROOT)), Path.of(args[3]),
                    Duration.ofSeconds(Long.parseLong(args[4])));
        } else if (args.length == 4 && args[0].equals("control")) {
            control(Path.of(args[1]), Duration.ofSeconds(Long.parseLong(args[2])),
                    Duration.ofSeconds(Long.parseLong(args[3])));
        } else {
            System.err.println("usage: FleetBench serve PODS sidecar|engine READY_FILE LIFETIME_S\n"
                    + "       FleetBench control READY_FILE WARMUP_S MEASURE_S");
            System.exit(2);
        }
    }

    /** Builds the fleet, writes where it is to {@code ready}, and serves it for at most {@code lifetime}. */
    static void serve(int pods, SignalSource source, Path ready, Duration lifetime) throws Exception {
        long t0 = System.nanoTime();
        try (FleetFixture fleet = FleetFixture.start(pods, source, ScalingMode.DRY_RUN)) {
            Properties p = new Properties();
            p.setProperty("api", fleet.apiUrl());
            p.setProperty("pods", Integer.toString(fleet.pods()));
            p.setProperty("workloads", Integer.toString(fleet.workloads()));
            p.setProperty("source", source.name().toLowerCase(Locale.ROOT));
            StringBuilder ports = new StringBuilder();
            for (int i = 0; i < fleet.ports(); i++) {
                ports.append(i == 0 ? "" : ",").append(fleet.portOf(i));
            }
            p.setProperty("ports", ports.toString());
            Path tmp = ready.resolveSibling(ready.getFileName() + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                p.store(out, null);
            }
            Files.move(tmp, ready, StandardCopyOption.ATOMIC_MOVE);
            System.err.printf("fleet of %d pods in %d workloads on %d ports, built in %.1f s%n", fleet.pods(),
                    fleet.workloads(), fleet.ports(), (System.nanoTime() - t0) / 1e9);
            Thread.sleep(lifetime.toMillis());
        }
    }

    /** Runs the controller against the fleet in {@code ready} and prints one row. */
    static void control(Path ready, Duration warmup, Duration measure) throws Exception {
        // `headroom controller` runs in Quarkus, which sets the log level (INFO) as it starts; this JVM runs the
        // controller without Quarkus. Left unconfigured, the log manager takes every debug record of the JDK HTTP
        // client (several per request) and queues it for good: a fifth of the CPU and a growing heap, not the
        // controller's.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
        Properties fleet = new Properties();
        try (InputStream in = Files.newInputStream(ready)) {
            fleet.load(in);
        }
        int pods = Integer.parseInt(fleet.getProperty("pods"));
        int workloads = Integer.parseInt(fleet.getProperty("workloads"));
        Set<Integer> podPorts = Arrays.stream(fleet.getProperty("ports").split(",")).map(Integer::valueOf)
                .collect(Collectors.toSet());
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(fleet.getProperty("api"))
                .withRequestRetryBackoffLimit(0).build();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        FleetProbe probe = new FleetProbe();
        String load0 = loadAverage();
        long start = System.nanoTime();
        try (ControllerRun run = ControllerRun.start(client, new FleetControllerConfig(Duration.ofSeconds(1)),
                new SimpleMeterRegistry(), probe)) {
            // The first decision of every workload: informers synced, connections opened, classes loaded.
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (probe.latest().size() < workloads && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            double firstRound = (System.nanoTime() - start) / 1e9;
            Thread.sleep(warmup.toMillis());

            probe.startRecording();
            long cpu0 = ProcessFootprint.cpuNanos();
            long threads0 = ProcessFootprint.threadsStarted();
            long wall0 = System.nanoTime();
            long rssMax = 0;
            long heapMax = 0;
            long end = wall0 + measure.toNanos();
            while (System.nanoTime() < end) {
                Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                rssMax = Math.max(rssMax, ProcessFootprint.rssBytes());
                heapMax = Math.max(heapMax, ProcessFootprint.heapUsedBytes());
            }
            long cpu1 = ProcessFootprint.cpuNanos();
            long threads1 = ProcessFootprint.threadsStarted();
            long wall1 = System.nanoTime();
            probe.stopRecording();
            // Counted once, outside the measured CPU time: reading the socket tables costs more than the rest.
            ProcessFootprint.Connections conns = ProcessFootprint.established(podPorts);
            System.gc();
            long heapLive = ProcessFootprint.heapUsedBytes();
            double seconds = (wall1 - wall0) / 1e9;
            FleetProbe.Samples ticks = probe.ticks();
            FleetProbe.Samples ages = probe.ages();
            long expected = Math.round(workloads * seconds);
            System.out.printf(Locale.ROOT,
                    "N=%d source=%s workloads=%d | cores %.3f | tick p50 %.3f s p99 %.3f s (%d ticks in %.0f s)"
                            + " | data age p50 %.3f s p99 %.3f s (%d pod readings, %d missing)"
                            + " | decisions %d of %d at 1 Hz | heap max %.0f MiB, live %.0f MiB | RSS max %.0f MiB"
                            + " | connections %d (%d to pods) | threads started %.0f/s | first round %.1f s"
                            + " | load %s -> %s%n",
                    pods, fleet.getProperty("source"), workloads, (cpu1 - cpu0) / 1e9 / seconds,
                    ticks.quantileSeconds(0.5), ticks.quantileSeconds(0.99), ticks.count(), seconds,
                    ages.quantileSeconds(0.5), ages.quantileSeconds(0.99), ages.count(), probe.missing(),
                    probe.decisions(), expected, heapMax / 1048576.0, heapLive / 1048576.0, rssMax / 1048576.0,
                    conns.total(), conns.toPorts(), (threads1 - threads0) / seconds, firstRound, load0,
                    loadAverage());
        } finally {
            client.close();
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + "/" + f[1] + "/" + f[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
