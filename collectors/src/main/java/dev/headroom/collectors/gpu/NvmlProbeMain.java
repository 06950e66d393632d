package dev.headroom.collectors.gpu;

import java.time.InstantSource;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A one-off look at the node's GPUs through {@link NvmlProbe}, as text:
 *
 * <pre>
 * java -cp collectors/target/classes:$HOME/.m2/repository/net/java/dev/jna/jna/5.19.1/jna-5.19.1.jar \
 *     dev.headroom.collectors.gpu.NvmlProbeMain [--library NAME_OR_PATH] [--polls N] [--time N]
 * </pre>
 *
 * {@code --polls N} prints N readings one second apart (default 1); {@code --time N} then times N further polls
 * back to back and prints the mean cost of one. Visibility comes from this process's environment. Exit status 0
 * when NVML answered, 2 when it did not, 64 on a bad argument.
 */
public final class NvmlProbeMain {

    private NvmlProbeMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        String library = NvmlConfig.DEFAULT_LIBRARY;
        int polls = 1;
        int timed = 0;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--library" -> library = args[++i];
                    case "--polls" -> polls = Integer.parseInt(args[++i]);
                    case "--time" -> timed = Integer.parseInt(args[++i]);
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            if (polls < 1 || timed < 0) {
                throw new IllegalArgumentException("--polls must be 1 or more and --time 0 or more");
            }
        } catch (RuntimeException e) {
            System.err.println("usage: NvmlProbeMain [--library NAME_OR_PATH] [--polls N] [--time N]: "
                    + e.getMessage());
            System.exit(64);
            return;
        }

        int status;
        try (NvmlProbe probe = NvmlProbe.open(NvmlConfig.library(library), System.getenv(), InstantSource.system())) {
            System.out.println("library: " + probe.library());
            System.out.println("visibility: " + probe.visibility());
            // One reading a second, as the sidecar polls, on a scheduler; the main thread waits for the last one.
            ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
            CountDownLatch done = new CountDownLatch(polls);
            try {
                ticks.scheduleAtFixedRate(() -> {
                    if (done.getCount() > 0) {
                        System.out.print(format(probe.poll()));
                        done.countDown();
                    }
                }, 0, 1, TimeUnit.SECONDS);
                done.await();
            } finally {
                ticks.shutdownNow();
            }
            if (timed > 0 && probe.state() == ProbeState.AVAILABLE) {
                long started = System.nanoTime();
                for (int p = 0; p < timed; p++) {
                    probe.poll();
                }
                double micros = (System.nanoTime() - started) / 1000.0 / timed;
                System.out.printf(Locale.ROOT, "poll cost: %.1f µs mean over %d polls%n", micros, timed);
            }
            status = probe.state() == ProbeState.AVAILABLE ? 0 : 2;
        }
        System.exit(status);
    }

    /** The reading as a few lines per device. */
    public static String format(GpuReading r) {
        StringBuilder sb = new StringBuilder();
        sb.append(r.at()).append(' ').append(r.source()).append(' ').append(r.state()).append(": ")
                .append(r.message()).append('\n');
        for (GpuDevice d : r.devices()) {
            sb.append("  GPU ").append(d.index()).append("  ").append(d.name().isEmpty() ? "?" : d.name())
                    .append("  ").append(d.uuid().isEmpty() ? "?" : d.uuid()).append("  ").append(d.status());
            if (!d.problem().isEmpty()) {
                sb.append("  (").append(d.problem()).append(')');
            }
            sb.append('\n');
            if (d.ok()) {
                sb.append("    memory: used ").append(bytes(d.memoryUsedBytes())).append(", free ")
                        .append(bytes(d.memoryFreeBytes())).append(", total ").append(bytes(d.memoryTotalBytes()))
                        .append('\n');
                sb.append("    utilization: gpu ").append(percent(d.gpuUtilization())).append(", memory ")
                        .append(percent(d.memoryUtilization())).append('\n');
                sb.append("    power: ").append(number(d.powerWatts(), "W")).append(", temperature: ")
                        .append(number(d.temperatureCelsius(), "°C")).append('\n');
            }
        }
        return sb.toString();
    }

    private static String bytes(OptionalDouble v) {
        return v.isPresent() ? String.format(Locale.ROOT, "%.0f B (%.2f GiB)", v.getAsDouble(),
                v.getAsDouble() / (1L << 30)) : "n/a";
    }

    private static String percent(OptionalDouble v) {
        return v.isPresent() ? String.format(Locale.ROOT, "%.0f %%", v.getAsDouble() * 100) : "n/a";
    }

    private static String number(OptionalDouble v, String unit) {
        return v.isPresent() ? String.format(Locale.ROOT, "%.3f %s", v.getAsDouble(), unit) : "n/a";
    }
}
