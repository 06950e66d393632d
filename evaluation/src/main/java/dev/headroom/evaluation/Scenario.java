package dev.headroom.evaluation;

import dev.headroom.simulator.SimRequest;
import dev.headroom.simulator.cluster.ClusterConfig;
import dev.headroom.simulator.trace.LengthRule;
import dev.headroom.simulator.trace.ReplayOptions;
import dev.headroom.simulator.trace.Replay;
import dev.headroom.simulator.trace.Rescale;
import dev.headroom.simulator.trace.Trace;
import dev.headroom.simulator.trace.TraceFormatException;
import dev.headroom.simulator.trace.TraceReader;
import dev.headroom.simulator.trace.TraceReplay;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.Objects;
import java.util.function.DoubleFunction;

/**
 * A prepared run: the requests every policy is offered (identical for all), the cluster they run on, and the
 * SLO they are judged by.
 *
 * @param options  what it was made from
 * @param source   the trace's name
 * @param replay   the replayed requests and the account of the replay (multiplier, passes, peak, clipped rows)
 * @param cluster  the cluster every policy runs (initial replicas set per run)
 * @param notes    how the timestamps were read, how the load was sized, and rows dropped on the way
 */
public record Scenario(ScenarioOptions options, String source, Replay replay, ClusterConfig cluster,
        ScenarioNotes notes) {

    /** The bundled trace, a main resource of this module. */
    public static final String BUNDLED_TRACE = "/traces/azure-llm-conv-2023.csv";

    public Scenario {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(replay, "replay");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(notes, "notes");
    }

    /** A scenario with nothing to note ({@link ScenarioNotes#NONE}). */
    public Scenario(ScenarioOptions options, String source, Replay replay, ClusterConfig cluster) {
        this(options, source, replay, cluster, ScenarioNotes.NONE);
    }

    /**
     * Reads the trace and prepares the replay.
     *
     * @throws TraceFormatException naming the line and field of a bad row
     * @throws IOException          when the trace cannot be read
     */
    public static Scenario prepare(ScenarioOptions options) throws IOException, TraceFormatException {
        Trace trace;
        String source;
        if (options.trace().isPresent()) {
            trace = TraceReader.read(options.trace().get(), options.timestampUnit());
            source = options.trace().get().getFileName().toString();
        } else {
            source = "azure-llm-conv-2023.csv (bundled)";
            try (InputStream in = Scenario.class.getResourceAsStream(BUNDLED_TRACE)) {
                if (in == null) {
                    throw new IOException("the bundled trace " + BUNDLED_TRACE + " is missing from the classpath");
                }
                trace = TraceReader.readCsv(new InputStreamReader(in, StandardCharsets.UTF_8), "azure-llm-conv-2023.csv");
            }
        }
        ClusterConfig cluster = ClusterConfig.of(options.engine())
                .withReplicas(1, 1, options.maxReplicas())
                .withColdStartSeconds(seconds(options.coldStart()))
                .withControlIntervalSeconds(seconds(options.controlInterval()))
                .withScrapeIntervalSeconds(seconds(options.scrapeInterval()))
                .withBalancer(options.balancer());
        DoubleFunction<Replay> replayAt = rate -> TraceReplay.prepare(trace, ReplayOptions
                .whole(options.engine().maxModelLen())
                .withWindow(options.fromSeconds(), options.toSeconds())
                .withRescale(options.rateScaling() == ScenarioOptions.RateScaling.SUPERPOSE
                        ? Rescale.superposeToPeak(rate, options.peakWindowSeconds(), options.jitterSeconds(),
                                options.seed())
                        : Rescale.targetPeakRate(rate, options.peakWindowSeconds()))
                .withLengthRule(LengthRule.CLIP)
                .repeatedUntil(options.durationSeconds()));
        Replay replay;
        String sizing;
        if (options.sizedByReplicas()) {
            PeakSizing.Sized sized;
            try {
                sized = PeakSizing.size(replayAt, cluster, options.slo(), options.peakReplicas());
            } catch (IllegalArgumentException e) {
                // A trace read in the wrong unit is the likeliest cause of a load that cannot be sized: say how
                // its timestamps were read beside the failure.
                throw new IllegalArgumentException(e.getMessage() + "; timestamps: " + trace.timestamps(), e);
            }
            replay = sized.replay();
            sizing = String.format(Locale.ROOT, "by peak replicas: the rate scaled so that the oracle's busiest"
                    + " interval needs %d replicas (%.1f req/s over the busiest %.0f s, found by %d searches of the"
                    + " busiest intervals)", options.peakReplicas(), sized.rate(), options.peakWindowSeconds(),
                    sized.evaluations());
        } else {
            replay = replayAt.apply(options.peakRate());
            sizing = String.format(Locale.ROOT, "by peak rate: %.1f req/s over the busiest %.0f s (--peak-rate)",
                    options.peakRate(), options.peakWindowSeconds());
        }
        if (replay.requests().isEmpty()) {
            throw new IllegalArgumentException("the trace " + source + " has no requests in the chosen window");
        }
        return new Scenario(options, source, replay, cluster, new ScenarioNotes(trace.timestamps(), sizing,
                warnings(replay, options)));
    }

    /** Rows the replay left out, each kind with its count: none may vanish without a word. */
    static List<String> warnings(Replay replay, ScenarioOptions options) {
        List<String> w = new ArrayList<>();
        if (replay.thinned() > 0) {
            w.add(String.format(Locale.ROOT, "rescaling dropped %,d rows: at ×%.3f (under 1) superposition thins the"
                    + " trace, and these rows were given no copy", replay.thinned(), replay.rateMultiplier()));
        }
        if (replay.pastDuration() > 0) {
            w.add(String.format(Locale.ROOT, "rescaling dropped %,d rows: they fall after --duration %.0f s",
                    replay.pastDuration(), options.durationSeconds()));
        }
        if (replay.droppedEmpty() > 0) {
            w.add(String.format(Locale.ROOT, "%,d rows with 0 prompt or 0 output tokens were left out",
                    replay.droppedEmpty()));
        }
        if (replay.droppedTooLong() > 0) {
            w.add(String.format(Locale.ROOT, "%,d rows longer than the engine's limit were left out",
                    replay.droppedTooLong()));
        }
        if (options.rateScaling() == ScenarioOptions.RateScaling.SUPERPOSE && replay.durationSeconds() > 0
                && options.jitterSeconds() > replay.durationSeconds()) {
            w.add(String.format(Locale.ROOT, "the jitter of %s s is wider than the replayed %.0f s: copies fold"
                    + " across the whole span, and the trace's shape is smoothed away", Numbers.plain(
                    options.jitterSeconds()), replay.durationSeconds()));
        }
        clumping(replay, options).ifPresent(w::add);
        return w;
    }

    /** Fewer trace rows than this within one jitter span make superposed copies swing by more than a fifth. */
    static final double MIN_ROWS_PER_JITTER = 25;

    /**
     * Superposition copies each row {@code k} times within the jitter span: a sparse trace becomes clumps of
     * {@code k} requests, and its load over a jitter span swings by about {@code 1/√(rows in the span)}, far more
     * than {@code k} times as many independent arrivals would. Said when that is more than a fifth.
     */
    static Optional<String> clumping(Replay replay, ScenarioOptions options) {
        double k = replay.rateMultiplier();
        double jitter = options.jitterSeconds();
        if (options.rateScaling() != ScenarioOptions.RateScaling.SUPERPOSE || !(k >= 2) || !(jitter > 0)
                || !(replay.durationSeconds() > 0) || replay.requests().isEmpty()) {
            return Optional.empty();
        }
        double rate = replay.requests().size() / replay.durationSeconds();
        double rowsPerSpan = rate / k * jitter;
        if (!(rowsPerSpan < MIN_ROWS_PER_JITTER)) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "superposition clumps this sparse trace: each row became about"
                + " %.0f copies within %.0f s (--jitter), so the load over %.0f s swings by about ±%.0f %% where"
                + " independent arrivals at %.1f req/s would swing by ±%.0f %%; a --jitter of %.0f s or more, or"
                + " --rate-scaling compress, spreads them", k, jitter, jitter, 100 / Math.sqrt(rowsPerSpan), rate,
                100 / Math.sqrt(rate * jitter), Math.ceil(MIN_ROWS_PER_JITTER * k / rate)));
    }

    /** The simulator's virtual time is in seconds. */
    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    /** Reads the trace, turning I/O and format errors into unchecked ones (for callers that report them whole). */
    public static Scenario prepareUnchecked(ScenarioOptions options) {
        try {
            return prepare(options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TraceFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * A run of {@code trace} as it is, with no window and no change of rate (a generated mix comes at the rates
     * it was made for), over the cluster {@code options} describe; over-long requests clipped, as in
     * {@link #prepare}.
     */
    public static Scenario of(ScenarioOptions options, Trace trace) {
        Replay replay = TraceReplay.prepare(trace, ReplayOptions.whole(options.engine().maxModelLen())
                .withLengthRule(LengthRule.CLIP));
        if (replay.requests().isEmpty()) {
            throw new IllegalArgumentException("the trace " + trace.source() + " has no requests");
        }
        ClusterConfig cluster = ClusterConfig.of(options.engine())
                .withReplicas(1, 1, options.maxReplicas())
                .withColdStartSeconds(seconds(options.coldStart()))
                .withControlIntervalSeconds(seconds(options.controlInterval()))
                .withScrapeIntervalSeconds(seconds(options.scrapeInterval()))
                .withBalancer(options.balancer());
        return new Scenario(options, trace.source(), replay, cluster);
    }

    public List<SimRequest> requests() {
        return replay.requests();
    }

    public Slo slo() {
        return options.slo();
    }

    public long seed() {
        return options.seed();
    }
}
