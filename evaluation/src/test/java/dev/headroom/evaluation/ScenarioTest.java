package dev.headroom.evaluation;

import dev.headroom.autoscaler.policy.PolicySpec;
import dev.headroom.autoscaler.policy.ScaleDownVoting;
import dev.headroom.signals.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScenarioTest {

    @Test
    void theDefaultScenarioIsTheBundledAzureHourOnItsOwnClockSizedSoThatTheOraclesPeakNeedsFourReplicas()
            throws Exception {
        Scenario s = Scenario.prepare(ScenarioOptions.defaults());
        assertThat(s.source()).contains("azure-llm-conv-2023.csv");
        assertThat(s.options().rateScaling()).isEqualTo(ScenarioOptions.RateScaling.SUPERPOSE);
        assertThat(s.options().peakReplicas()).isEqualTo(4);
        // The recorded 58 min 22 s, once: no time compression, no repeats.
        assertThat(s.replay().durationSeconds()).isCloseTo(3501.7, org.assertj.core.data.Offset.offset(0.1));
        assertThat(s.replay().passes()).isEqualTo(1);
        assertThat(s.notes().sizing()).startsWith("by peak replicas").contains("needs 4 replicas");
        assertThat(s.notes().timestamps()).isEqualTo("date-times, UTC");
        assertThat(s.notes().warnings()).isEmpty();
        // Four replicas of ~12-18 req/s each within the SLO, for this mix.
        assertThat(s.replay().peakRate()).isBetween(40.0, 80.0);
        assertThat(s.requests().get(s.requests().size() - 1).arrivalSeconds()).isLessThanOrEqualTo(3501.8);
        assertThat(s.cluster().coldStartSeconds()).isEqualTo(90.0);
        // Deterministic for the seed, the sizing included.
        assertThat(Scenario.prepare(ScenarioOptions.defaults()).requests()).isEqualTo(s.requests());
    }

    @Test
    void sizingByPeakRateIsStillAvailableAndAnotherSeedJittersDifferently() throws Exception {
        ScenarioOptions byRate = ScenarioOptions.defaults().withPeak(70, 60);
        assertThat(byRate.sizedByReplicas()).isFalse();
        Scenario s = Scenario.prepare(byRate);
        assertThat(s.replay().rateMultiplier()).isCloseTo(70 / 8.7, org.assertj.core.data.Offset.offset(0.01));
        assertThat(s.replay().peakRate()).isBetween(63.0, 72.0);
        assertThat(s.requests().size()).isGreaterThan(150_000);
        assertThat(s.notes().sizing()).startsWith("by peak rate: 70.0 req/s");
        assertThat(Scenario.prepare(byRate.withSeed(2)).requests()).isNotEqualTo(s.requests());
    }

    @Test
    void rowsThatRescalingDropsAreCountedInAWarning(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.jsonl");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            b.append("{\"timestamp\": ").append(i * 250).append(", \"input_length\": 300, \"output_length\": ")
                    .append(i == 7 ? 0 : 50).append("}\n");
        }
        Files.writeString(file, b);
        // 4 req/s as recorded; a peak of 2 req/s keeps about half the rows
        Scenario s = Scenario.prepare(ScenarioOptions.defaults().withTrace(file).withPeak(2, 10));
        assertThat(s.replay().thinned()).isBetween(150, 250);
        assertThat(s.notes().warnings()).anySatisfy(w -> assertThat(w)
                .startsWith("rescaling dropped " + s.replay().thinned() + " rows"));
        assertThat(s.notes().warnings()).anySatisfy(w -> assertThat(w).startsWith("1 rows with 0 prompt or 0 output"));
        assertThat(s.notes().timestamps()).startsWith("detected: milliseconds");
        assertThat(s.notes().warnings()).noneSatisfy(w -> assertThat(w).contains("jitter"));

        // A jitter ten times the trace's 100 s spreads every copy across all of it: the shape is gone, and said so.
        Scenario wide = Scenario.prepare(ScenarioOptions.defaults().withTrace(file).withPeak(2, 10)
                .withRateScaling(ScenarioOptions.RateScaling.SUPERPOSE, 1000));
        assertThat(wide.notes().warnings()).anySatisfy(w -> assertThat(w)
                .startsWith("the jitter of 1000 s is wider than the replayed 100 s"));
    }

    @Test
    void theEarlierTimeCompressedScenarioIsStillAvailable() throws Exception {
        Scenario s = Scenario.prepare(ScenarioOptions.compressed());
        assertThat(s.replay().durationSeconds()).isEqualTo(3600.0);
        assertThat(s.replay().rateMultiplier()).isBetween(9.0, 9.5);
        assertThat(s.replay().passes()).isEqualTo(10);
        assertThat(s.replay().peakRate()).isCloseTo(70.0, org.assertj.core.data.Offset.offset(0.5));
    }

    @Test
    void headroomIsConfiguredFromCapacityTheSloAndTheColdStart() throws Exception {
        Scenario s = Scenario.prepare(ScenarioOptions.defaults());
        double target = Contender.rateTarget(s.cluster().engine(), s.requests());
        // Llama-3.1-8B on one H100 with ~1,150-token prompts and ~210-token outputs: about 18 req/s sustainable.
        assertThat(target).isBetween(0.9 * 16, 0.9 * 20);

        PolicySpec spec = Contender.configured(PolicySpec.of(1, 16), s.cluster(), s.requests(), s.slo());
        assertThat(spec.targets().get(Signal.ARRIVALS_PS).orElseThrow()).isCloseTo(target, within(0.005));
        assertThat(spec.targets().get(Signal.TTFT_P95)).hasValue(s.slo().ttftSeconds());
        assertThat(spec.targets().get(Signal.ITL_MEAN)).hasValue(s.slo().itlSeconds());
        assertThat(spec.targets().get(Signal.ITL_P95)).as("the per-token p95 is not the SLO's quantity").isEmpty();
        assertThat(spec.targets().get(Signal.QUEUE)).hasValue(4.0);
        // Cold start 90 s + one 15 s decision interval.
        assertThat(spec.forecast().leadTime()).isEqualTo(Duration.ofSeconds(105));
        assertThat(spec.behavior().scaleDown().stabilizationWindow()).isEqualTo(Duration.ofSeconds(105));
        assertThat(spec.scaleDownVoting()).isEqualTo(ScaleDownVoting.LOAD_SIGNALS);
    }

    @Test
    void aSparseTraceSuperposedIntoClumpsIsSaidSo(@TempDir Path dir) throws Exception {
        // One row every 4 s for 40 min, sized to a peak of 40 req/s: each row becomes about 160 copies within the
        // 30 s jitter, so about 7.5 rows share a span and the load swings by about ±37 % over it.
        Path file = dir.resolve("sparse.jsonl");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 600; i++) {
            b.append("{\"timestamp\": ").append(i * 4 + 0.5).append(", \"input_length\": 300, \"output_length\": 50}\n");
        }
        Files.writeString(file, b);
        Scenario s = Scenario.prepare(ScenarioOptions.defaults().withTrace(file).withPeak(40, 60));
        assertThat(s.notes().timestamps()).startsWith("detected: seconds");
        assertThat(s.notes().warnings()).anySatisfy(w -> assertThat(w)
                .startsWith("superposition clumps this sparse trace").contains("--rate-scaling compress"));
        // Spread over a jitter wide enough, or compressed, it is not.
        ScenarioOptions wide = ScenarioOptions.defaults().withTrace(file).withPeak(40, 60)
                .withRateScaling(ScenarioOptions.RateScaling.SUPERPOSE, 400);
        assertThat(Scenario.prepare(wide).notes().warnings()).noneSatisfy(w -> assertThat(w).contains("clumps"));
    }

    @Test
    void aRateTargetBelowOneRequestPerSecondKeepsItsDigits() {
        assertThat(Numbers.plain(16.2345)).isEqualTo("16.23");
        // Prompts and outputs near a 128k context: a few thousandths of a request per second, which two decimals
        // wrote as "0.00", a target the policy refuses, and the whole evaluation stopped.
        assertThat(Numbers.plain(0.0031234)).isEqualTo("0.003123");
        assertThat(Double.parseDouble(Numbers.plain(0.0031234))).isPositive();
        PolicySpec spec = Contender.configured(PolicySpec.of(1, 16),
                dev.headroom.simulator.cluster.ClusterConfig.of(ScenarioOptions.defaults().engine()),
                java.util.List.of(new dev.headroom.simulator.SimRequest(0, 0, 60_000, 60_000)),
                ScenarioOptions.defaults().slo());
        assertThat(spec.targets().get(Signal.ARRIVALS_PS).orElseThrow()).isPositive().isLessThan(1);
    }

    @Test
    void aJsonlTraceIsReadAndABadRowIsNamed(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("t.jsonl");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            b.append("{\"timestamp\": ").append(i * 250).append(", \"input_length\": 300, \"output_length\": 50}\n");
        }
        Files.writeString(good, b);
        Scenario s = Scenario.prepare(ScenarioOptions.defaults().withTrace(good).withPeak(8, 10).withDuration(60));
        assertThat(s.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.promptTokens()).isEqualTo(300));

        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"timestamp\": 0, \"input_length\": 3, \"output_length\": 5}\n"
                + "{\"timestamp\": 10, \"input_length\": \"x\", \"output_length\": 5}\n");
        assertThatThrownBy(() -> Scenario.prepare(ScenarioOptions.defaults().withTrace(bad)))
                .hasMessageContaining("line 2").hasMessageContaining("input_length");
        assertThatThrownBy(() -> Scenario.prepare(ScenarioOptions.defaults().withTrace(dir.resolve("none.csv"))))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aTraceThatCannotBeSizedSaysWhy(@TempDir Path dir) throws Exception {
        Path empty = dir.resolve("empty.jsonl");
        Files.writeString(empty, "{\"timestamp\": 0, \"input_length\": 300, \"output_length\": 0}\n"
                + "{\"timestamp\": 1000, \"input_length\": 0, \"output_length\": 50}\n");
        assertThatThrownBy(() -> Scenario.prepare(ScenarioOptions.defaults().withTrace(empty)))
                .hasMessageContaining("no requests").hasMessageContaining("2 rows with 0 prompt or 0 output tokens");

        // Three rows two seconds apart in whole numbers read as milliseconds: 3 requests within 4 ms, a burst no
        // peak of replicas can be sized on. The failure says how the timestamps were read, and how to read them
        // otherwise.
        Path ms = dir.resolve("three.jsonl");
        Files.writeString(ms, "{\"timestamp\": 1, \"input_length\": 100, \"output_length\": 10}\n"
                + "{\"timestamp\": 3, \"input_length\": 100, \"output_length\": 10}\n"
                + "{\"timestamp\": 5, \"input_length\": 100, \"output_length\": 10}\n");
        assertThatThrownBy(() -> Scenario.prepare(ScenarioOptions.defaults().withTrace(ms)))
                .hasMessageContaining("cannot size the scenario")
                .hasMessageContaining("timestamps: detected: milliseconds")
                .hasMessageContaining("set --timestamp-unit s");
    }

    @Test
    void badOptionsAreNamed() {
        assertThatThrownBy(() -> ScenarioOptions.defaults().withRateScaling(ScenarioOptions.RateScaling.SUPERPOSE, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jitter");
        assertThatThrownBy(() -> ScenarioOptions.defaults().withDuration(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duration");
        // A typo of a few digits would have replayed for hours before saying anything.
        assertThatThrownBy(() -> ScenarioOptions.defaults().withDuration(99_999_999_999.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a day of simulated time");
        assertThat(ScenarioOptions.defaults().withDuration(86_400).durationSeconds()).isEqualTo(86_400);
        // Decided every 15 s on rates no window could hold: every policy would have run blind.
        ScenarioOptions d = ScenarioOptions.defaults();
        assertThatThrownBy(() -> d.withCluster(d.coldStart(), d.controlInterval(), Duration.ofHours(1), d.balancer(),
                d.maxReplicas())).hasMessageContaining("scrape interval must be at most half the signals' 30 s window");
        // A cold start of years never finished planning; one of an hour failed after the oracle's plan on a
        // stabilisation window the user had not set. Both are refused by name before any work.
        assertThatThrownBy(() -> d.withCluster(Duration.ofSeconds(99_999_999), d.controlInterval(), d.scrapeInterval(),
                d.balancer(), d.maxReplicas())).hasMessageContaining("cold start plus control interval must be at most"
                + " 3600 s");
        assertThatThrownBy(() -> d.withCluster(Duration.ofSeconds(3600), d.controlInterval(), d.scrapeInterval(),
                d.balancer(), d.maxReplicas())).hasMessageContaining("was 3600 s + 15.0 s");
        assertThat(d.withCluster(Duration.ofSeconds(3585), d.controlInterval(), d.scrapeInterval(), d.balancer(),
                d.maxReplicas()).coldStart()).isEqualTo(Duration.ofSeconds(3585));
        // GPU utilisation reads high with any load: the HPA baselines would simulate the maximum's replicas.
        assertThatThrownBy(() -> d.withCluster(d.coldStart(), d.controlInterval(), d.scrapeInterval(), d.balancer(),
                100_000)).hasMessageContaining("max replicas must be 1 to 1024");
        assertThatThrownBy(() -> new Slo(2, 0.1, 1.5)).hasMessageContaining("attainment");
        assertThatThrownBy(() -> ScenarioOptions.defaults().withThreads(0)).hasMessageContaining("threads");
    }
}
