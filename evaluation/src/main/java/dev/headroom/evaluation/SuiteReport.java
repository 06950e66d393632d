package dev.headroom.evaluation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The suite's one table ({@value #REPORT}): per scenario and policy, SLO attainment mean and minimum over the
 * seeds, mean GPU-hours and their ratio to the oracle's (mean of the per-seed ratios, with their range); above
 * it, each scenario's shape, SLO, cold start, the oracle's measured capacity and how fast its load rises against a
 * cold start.
 */
public final class SuiteReport {

    public static final String REPORT = "suite.md";

    private SuiteReport() {
    }

    /** Writes the report into {@code folder} (created if missing) and returns its path. */
    public static Path write(SuiteResult result, Path folder, String command) throws IOException {
        Files.createDirectories(folder);
        Path report = folder.resolve(REPORT);
        Files.writeString(report, markdown(result, command), StandardCharsets.UTF_8);
        return report;
    }

    public static String markdown(SuiteResult result, String command) {
        StringBuilder b = new StringBuilder();
        b.append("## Suite\n\n```\n").append(command).append("\n```\n\n");
        b.append(String.format(Locale.ROOT, "Seeds %s; %d units on %d threads, %.1f s wall.%n%n",
                result.seeds(), result.units().size(), result.threads(), result.wallSeconds()));
        b.append("| scenario | shape | SLO | cold start | requests / seed | oracle's capacity (req/s per replica) |"
                + " peak replicas | rise within a cold start | faster than a cold start (rise > ⅓ of peak) |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        for (SuiteScenario s : result.scenarios()) {
            List<SuiteResult.Unit> units = result.units(s.name());
            Slo slo = s.options().slo();
            double rise = units.stream().mapToDouble(SuiteResult.Unit::riseWithinColdStart).max().orElse(Double.NaN);
            b.append(String.format(Locale.ROOT, "| %s | %s | TTFT ≤ %s s, ITL ≤ %s s, %s %% | %.0f s | %s | %s | %s |"
                            + " %.0f %% | %s |%n", s.name(), s.shape(), Numbers.plain(slo.ttftSeconds()), Numbers.plain(slo.itlSeconds()),
                    Numbers.plain(slo.attainmentTarget() * 100), s.options().coldStart().toMillis() / 1000.0,
                    range(units.stream().mapToDouble(SuiteResult.Unit::requests).toArray(), "%,.0f"),
                    range(units.stream().filter(u -> u.failure().isEmpty())
                            .mapToDouble(SuiteResult.Unit::capacityPerReplica).toArray(), "%.2f"),
                    range(units.stream().filter(u -> u.failure().isEmpty())
                            .mapToDouble(SuiteResult.Unit::peakReplicas).toArray(), "%.0f"),
                    rise * 100, rise > Suite.FAST_RISE_SHARE ? "yes" : "no"));
        }
        b.append('\n');
        b.append(table(result));
        boolean any = false;
        for (SuiteResult.Unit u : result.units()) {
            for (String note : u.notes()) {
                b.append(any ? "" : "\n").append("- ").append(u.scenario()).append(", seed ").append(u.seed())
                        .append(": ").append(note).append('\n');
                any = true;
            }
            if (u.failure().isPresent()) {
                b.append(any ? "" : "\n").append("- ").append(u.scenario()).append(", seed ").append(u.seed())
                        .append(": **not run**: ").append(u.failure().get()).append('\n');
                any = true;
            }
        }
        return b.toString();
    }

    /** The table alone: one row per scenario and policy. */
    public static String table(SuiteResult result) {
        StringBuilder b = new StringBuilder();
        b.append("| scenario | policy | SLO attained mean / min | GPU-hours (mean) | × oracle mean (range) |\n");
        b.append("|---|---|---|---|---|\n");
        String last = "";
        for (SuiteResult.Row r : result.rows()) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %.2f / %.2f %% | %.2f | %s |%n",
                    r.scenario().equals(last) ? "" : r.scenario(), r.policy(), r.sloMean() * 100, r.sloMin() * 100,
                    r.gpuHoursMean(), Double.isNaN(r.vsOracleMean()) ? "–"
                            : String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", r.vsOracleMean(), r.vsOracleMin(),
                                    r.vsOracleMax())));
            last = r.scenario();
        }
        return b.toString();
    }

    private static String range(double[] values, String format) {
        if (values.length == 0) {
            return "–";
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        String a = String.format(Locale.ROOT, format, lo);
        String z = String.format(Locale.ROOT, format, hi);
        return a.equals(z) ? a : a + "–" + z;
    }
}
