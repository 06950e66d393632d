package dev.headroom.collectors.scrape;

import dev.headroom.collectors.engine.DialectRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Clock;
import java.util.List;

/**
 * Scrapes every hostile body of {@link HostileEngine} (served from this same JVM) round after round through one
 * scraper per path, as a sidecar would, then the costliest body within the limits and a good body; run under the sidecar's heap ({@code -Xmx48m}) by
 * {@link ScraperUnderSidecarHeapTest}. Exit 0: every outcome as expected and no {@link OutOfMemoryError}; 3: out of
 * memory; 4: an outcome not as expected. Prints the heap's peak use.
 *
 * <p>Usage: {@code HeapBoundMain ROUNDS}
 */
public final class HeapBoundMain {

    static final List<String> HOSTILE = List.of("/names", "/big", "/bomb", "/line", "/longline", "/bom",
            "/gzipnoheader", "/html", "/badgzip");

    private HeapBoundMain() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        try (HostileEngine engine = new HostileEngine()) {
            List<Scraper> scrapers = HOSTILE.stream().map(p -> new Scraper(ScrapeConfig.defaults(engine.url(p)),
                    DialectRegistry.standard(), Clock.systemUTC())).toList();
            Scraper good = new Scraper(ScrapeConfig.defaults(engine.url("/good")), DialectRegistry.standard(),
                    Clock.systemUTC());
            Scraper series = new Scraper(ScrapeConfig.defaults(engine.url("/series")), DialectRegistry.standard(),
                    Clock.systemUTC());
            int scrapes = 0;
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < scrapers.size(); i++) {
                    ScrapeOutcome outcome = scrapers.get(i).scrape();
                    scrapes++;
                    if (!(outcome instanceof ScrapeOutcome.Failure f)
                            || (f.kind() != FailureKind.TOO_LARGE && f.kind() != FailureKind.MALFORMED)) {
                        System.out.println("unexpected outcome for " + HOSTILE.get(i) + ": " + outcome);
                        System.exit(4);
                    }
                }
                ScrapeOutcome costliest = series.scrape(); // within every limit: read, or refused by a dialect
                if (costliest instanceof ScrapeOutcome.Failure f && f.kind() != FailureKind.MALFORMED
                        && f.kind() != FailureKind.UNRECOGNISED) {
                    System.out.println("unexpected outcome for /series: " + f);
                    System.exit(4);
                }
                scrapes++;
                if (!(good.scrape() instanceof ScrapeOutcome.Success)) {
                    System.out.println("the good scrape failed in round " + round);
                    System.exit(4);
                }
                scrapes++;
            }
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            System.out.printf("ok: %d scrapes in %d rounds, heap max %d MiB, peak use %.1f MiB (sum of pool peaks)%n",
                    scrapes, rounds, Runtime.getRuntime().maxMemory() >> 20, peak / 1048576.0);
        } catch (OutOfMemoryError e) {
            System.out.println("OutOfMemoryError: " + e.getMessage());
            System.exit(3);
        }
        System.exit(0);
    }
}
