package dev.headroom.evaluation;

import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.SimRequest;
import dev.headroom.simulator.cluster.Balancer;
import dev.headroom.simulator.trace.ArrivalProcess;
import dev.headroom.simulator.trace.LengthDistribution;
import dev.headroom.simulator.trace.SyntheticTrace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The suite on two short synthetic scenarios, two seeds, run twice. */
class SuiteTest {

    private static final List<Long> SEEDS = List.of(1L, 2L);
    private static SuiteResult first;
    private static SuiteResult second;
    private static final List<String> progress = new CopyOnWriteArrayList<>();

    static List<SuiteScenario> tiny() {
        ScenarioOptions base = ScenarioOptions.defaults().withThreads(1);
        return List.of(
                scenario("bursts", new ArrivalProcess.OnOff(20, 0, 45, 45, 0.2), Slo.defaults(), 90, base),
                scenario("wave", new ArrivalProcess.Wave(10, 6, 240), new Slo(3, 0.1, 0.99), 60, base));
    }

    private static SuiteScenario scenario(String name, ArrivalProcess arrivals, Slo slo, int coldStart,
                                          ScenarioOptions base) {
        SyntheticTrace mix = new SyntheticTrace(name, arrivals, LengthDistribution.lognormal(400, 0.5, 8000),
                LengthDistribution.lognormal(60, 0.5, 2000), 240);
        return new SuiteScenario(name, mix.describe(), Optional.of(mix), base.withSlo(slo)
                .withCluster(Duration.ofSeconds(coldStart), Duration.ofSeconds(15), Duration.ofSeconds(5),
                        Balancer.LEAST_REQUESTS, 8));
    }

    @BeforeAll
    static void runTwice() {
        first = Suite.run(tiny(), SEEDS, 2, u -> progress.add(u.scenario() + "/" + u.seed()));
        second = Suite.run(tiny(), SEEDS, 1, u -> { });
    }

    @Test
    void everyScenarioRunsWithEverySeedAndTheWholeField() {
        assertThat(first.units()).extracting(u -> u.scenario() + "/" + u.seed())
                .containsExactly("bursts/1", "bursts/2", "wave/1", "wave/2");
        assertThat(progress).hasSize(4);
        for (SuiteResult.Unit u : first.units()) {
            assertThat(u.failure()).isEmpty();
            assertThat(u.results()).extracting(PolicyResult::name).containsExactlyElementsOf(Suite.FIELD);
            assertThat(u.results()).allSatisfy(r -> assertThat(r.requests()).isEqualTo(u.requests()));
        }
    }

    @Test
    void theSameSeedsGiveTheSameTableWhateverTheThreads() {
        assertThat(second.rows()).isEqualTo(first.rows());
    }

    @Test
    void eachRowReducesItsPolicysSeeds() {
        SuiteResult.Row row = first.rows().stream()
                .filter(r -> r.scenario().equals("wave") && r.policy().equals(Baselines.KEDA)).findFirst().orElseThrow();
        List<SuiteResult.Unit> units = first.units("wave");
        PolicyResult a = units.get(0).result(Baselines.KEDA).orElseThrow();
        PolicyResult b = units.get(1).result(Baselines.KEDA).orElseThrow();
        double ra = a.gpuHours() / units.get(0).result("oracle").orElseThrow().gpuHours();
        double rb = b.gpuHours() / units.get(1).result("oracle").orElseThrow().gpuHours();
        assertThat(row.seeds()).isEqualTo(2);
        assertThat(row.sloMean()).isCloseTo((a.sloAttainment() + b.sloAttainment()) / 2, within(1e-12));
        assertThat(row.sloMin()).isEqualTo(Math.min(a.sloAttainment(), b.sloAttainment()));
        assertThat(row.gpuHoursMean()).isCloseTo((a.gpuHours() + b.gpuHours()) / 2, within(1e-12));
        assertThat(row.vsOracleMean()).isCloseTo((ra + rb) / 2, within(1e-12));
        assertThat(row.vsOracleMax()).isCloseTo(Math.max(ra, rb), within(1e-12));
        assertThat(first.rows().stream().filter(r -> r.policy().equals("oracle")))
                .allSatisfy(r -> assertThat(r.vsOracleMean()).isEqualTo(1.0));
    }

    @Test
    void theReportHasOneRowPerScenarioAndPolicyAndNamesEachScenariosShape() {
        String md = SuiteReport.markdown(first, "./headroom evaluate --suite");
        assertThat(md).contains("| bursts | on/off bursts: Poisson at 20 req/s").contains("TTFT ≤ 3 s");
        assertThat(SuiteReport.table(first).lines().filter(l -> l.startsWith("|")).count())
                .isEqualTo(2 + 2L * Suite.FIELD.size());
    }

    @Test
    void burstsRiseFasterThanAColdStartAndASteadyLoadDoesNot() {
        assertThat(first.units("bursts").get(0).riseWithinColdStart()).isGreaterThan(Suite.FAST_RISE_SHARE);
        List<SimRequest> steady = new ArrayList<>();
        for (int i = 0; i < 3600 * 10; i++) {
            steady.add(new SimRequest(i, i / 10.0, 100, 10));
        }
        assertThat(Suite.riseWithinColdStart(steady, 90)).isLessThan(0.05);
    }

    @Test
    void theStandardSuiteHasFiveShapesEachWithItsOwnSloAndColdStart() {
        List<SuiteScenario> suite = Suite.standard();
        assertThat(suite).extracting(SuiteScenario::name).containsExactly("conversation", "code-completions",
                "long-context-conversation", "long-context-synthetic", "diurnal-day");
        assertThat(suite.get(2).options().slo().ttftSeconds()).isEqualTo(5);
        assertThat(suite.get(4).options().coldStart()).isEqualTo(Duration.ofSeconds(180));
        SyntheticTrace code = suite.get(1).synthetic().orElseThrow();
        assertThat(code.generate(1).meanPromptTokens()).isCloseTo(2000, within(100.0));
        assertThat(code.generate(1).meanOutputTokens()).isCloseTo(30, within(3.0));
    }

    @Test
    void theHeldOutScenariosAreShapesTheStandardFiveDoNotHave() {
        EngineConfig calibrated = EngineConfig.llama31_8bH100();
        List<SuiteScenario> heldOut = Suite.heldOut(calibrated);
        assertThat(heldOut).extracting(SuiteScenario::name).containsExactly("mix-shift", "launch-ramp", "reasoning");
        assertThat(heldOut).extracting(sc -> sc.options().engine()).containsOnly(calibrated);
        assertThat(Suite.all(calibrated)).extracting(SuiteScenario::name)
                .doesNotHaveDuplicates().hasSize(Suite.standard().size() + heldOut.size());
        SyntheticTrace shift = heldOut.get(0).synthetic().orElseThrow();
        assertThat(shift.shift()).hasValueSatisfying(s -> assertThat(s.prompt().mean()).isEqualTo(4 * shift.prompt().mean()));
        assertThat(heldOut.get(2).options().slo().itlSeconds()).isEqualTo(0.05);
        assertThat(heldOut.get(2).synthetic().orElseThrow().generate(1).meanOutputTokens())
                .isCloseTo(1800, within(60.0));
    }

    @Test
    void everyScenarioRunsTheEngineItIsGivenAndTheDefaultScenariosOtherwise() {
        assertThat(Suite.standard()).extracting(sc -> sc.options().engine())
                .containsOnly(ScenarioOptions.defaults().engine());
        EngineConfig calibrated = EngineConfig.llama31_8bH100();
        assertThat(calibrated).isNotEqualTo(ScenarioOptions.defaults().engine());
        assertThat(Suite.standard(calibrated)).extracting(sc -> sc.options().engine()).containsOnly(calibrated);
    }
}
