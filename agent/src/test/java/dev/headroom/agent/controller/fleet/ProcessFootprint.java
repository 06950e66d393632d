package dev.headroom.agent.controller.fleet;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * This process's footprint as Linux and the JVM report it: CPU time, resident set, heap in use, and the TCP
 * connections it holds. Connections are counted from {@code /proc/net/tcp{,6}} rows in state ESTABLISHED whose
 * socket inode is one of this process's open file descriptors, so that the other end of a loopback connection
 * (a server in another process) is not counted.
 */
final class ProcessFootprint {

    private ProcessFootprint() {
    }

    /** CPU time of the whole process (every thread, user and system), in nanoseconds. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Threads started since the JVM started. */
    static long threadsStarted() {
        return ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
    }

    /** VmRSS, in bytes. */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // not Linux: unknown
        }
        return -1;
    }

    /** Heap in use now, in bytes. */
    static long heapUsedBytes() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Connections this process holds, split by whether the remote port is one of {@code remotePorts}. */
    record Connections(int total, int toPorts) {
    }

    static Connections established(Set<Integer> remotePorts) {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException ignored) {
                    // closed meanwhile
                }
            });
        } catch (IOException e) {
            return new Connections(-1, -1);
        }
        int total = 0;
        int toPorts = 0;
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            List<String> rows;
            try {
                rows = Files.readAllLines(Path.of(table));
            } catch (IOException e) {
                continue;
            }
            for (String row : rows.subList(1, rows.size())) {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                String[] f = row.trim().split("\\s+");
                if (f.length < 10 || !f[3].equals("01") || !inodes.contains(f[9])) {
                    continue;
                }
                total++;
                String remote = f[2];
                int port = Integer.parseInt(remote.substring(remote.indexOf(':') + 1), 16);
                if (remotePorts.contains(port)) {
                    toPorts++;
                }
            }
        }
        return new Connections(total, toPorts);
    }
}
