package dev.headroom.simulator.trace;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SyntheticTraceTest {

    private static final SyntheticTrace CODE = new SyntheticTrace("code",
            new ArrivalProcess.OnOff(40, 0, 60, 60, 0.25),
            LengthDistribution.lognormal(2000, 0.6, 131_072), LengthDistribution.lognormal(30, 0.8, 131_072), 1200);

    @Test
    void theSameSeedGivesTheSameTraceAndAnotherSeedAnother() {
        assertThat(CODE.generate(3)).isEqualTo(CODE.generate(3));
        assertThat(CODE.generate(4).records()).isNotEqualTo(CODE.generate(3).records());
    }

    @Test
    void lognormalLengthsHaveTheMeanAskedFor() {
        SplittableRandom random = new SplittableRandom(1);
        LengthDistribution d = LengthDistribution.lognormal(12_000, 0.5, 131_072);
        double sum = 0;
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            sum += d.draw(random);
        }
        assertThat(sum / n).isCloseTo(12_000, within(12_000 * 0.01));
        assertThat(LengthDistribution.lognormal(150, 0, 1000).draw(random)).isEqualTo(150);
    }

    @Test
    void onOffBurstsAlternateBetweenTheHighRateAndSilence() {
        double[] at = new ArrivalProcess.OnOff(40, 0, 60, 60, 0).arrivals(600, new SplittableRandom(2));
        int[] perPhase = new int[10];
        for (double t : at) {
            perPhase[(int) (t / 60)]++;
        }
        for (int phase = 0; phase < 10; phase++) {
            if (phase % 2 == 0) {
                assertThat(perPhase[phase]).as("burst %d", phase).isBetween(2100, 2700);
            } else {
                assertThat(perPhase[phase]).as("lull %d", phase).isZero();
            }
        }
    }

    @Test
    void aDiurnalDayPeaksWhereItSaysAndIsQuietHalfADayLater() {
        ArrivalProcess.Diurnal day = new ArrivalProcess.Diurnal(5, 50, 4 * 3600, 2 * 3600);
        double[] at = day.arrivals(4 * 3600, new SplittableRandom(5));
        int nearPeak = 0;
        int nearTrough = 0;
        for (double t : at) {
            if (Math.abs(t - 2 * 3600) < 300) {
                nearPeak++;
            } else if (t < 300) {
                nearTrough++;
            }
        }
        assertThat(nearPeak / 600.0).isCloseTo(50, within(3.0));
        assertThat(nearTrough / 300.0).isCloseTo(5, within(1.5));
    }

    @Test
    void stepsHoldEachLevelForItsTime() {
        double[] at = new ArrivalProcess.Steps(300, 2, 8).arrivals(1200, new SplittableRandom(9));
        int[] perStep = new int[4];
        for (double t : at) {
            perStep[(int) (t / 300)]++;
        }
        assertThat(perStep[0] / 300.0).isCloseTo(2, within(0.4));
        assertThat(perStep[1] / 300.0).isCloseTo(8, within(0.8));
        assertThat(perStep[2] / 300.0).isCloseTo(2, within(0.4));
    }

    @Test
    void theGeneratedTraceStartsAtZeroAndReplaysUnchanged() {
        Trace trace = CODE.generate(1);
        Replay replay = TraceReplay.prepare(trace, ReplayOptions.whole(131_072));
        assertThat(trace.records().get(0).timeNanos()).isZero();
        assertThat(replay.requests()).hasSize(trace.size());
        assertThat(replay.requests().get(10).arrivalSeconds())
                .isCloseTo(trace.records().get(10).timeNanos() / 1e9, within(1e-9));
        assertThat(trace.meanPromptTokens()).isCloseTo(2000, within(100.0));
    }

    @Test
    void aMixShiftChangesTheLengthsFromItsTimeOnAndLeavesTheArrivalsAsTheyWere() {
        SyntheticTrace chat = new SyntheticTrace("shift", new ArrivalProcess.Wave(20, 0, 600),
                LengthDistribution.lognormal(1000, 0.5, 131_072), LengthDistribution.lognormal(250, 0.5, 131_072), 1200);
        SyntheticTrace shifted = chat.withShift(new SyntheticTrace.MixShift(600,
                LengthDistribution.lognormal(4000, 0.5, 131_072), LengthDistribution.lognormal(100, 0.5, 131_072)));
        List<TraceRecord> before = chat.generate(7).records();
        List<TraceRecord> after = shifted.generate(7).records();
        assertThat(after).extracting(TraceRecord::timeNanos)
                .containsExactlyElementsOf(before.stream().map(TraceRecord::timeNanos).toList());
        double[] prompt = new double[2];
        double[] output = new double[2];
        int[] n = new int[2];
        for (int i = 0; i < after.size(); i++) {
            int phase = after.get(i).timeNanos() >= 600e9 ? 1 : 0;
            if (phase == 0) {
                assertThat(after.get(i)).as("before the shift, unchanged").isEqualTo(before.get(i));
            }
            prompt[phase] += after.get(i).promptTokens();
            output[phase] += after.get(i).outputTokens();
            n[phase]++;
        }
        assertThat(prompt[0] / n[0]).isCloseTo(1000, within(50.0));
        assertThat(prompt[1] / n[1]).isCloseTo(4000, within(200.0));
        assertThat(output[1] / n[1]).isCloseTo(100, within(5.0));
        assertThat(shifted.meanPromptTokens()).isCloseTo(2500, within(1e-9));
        assertThat(shifted.describe()).contains("from 10 min: prompts lognormal mean 4000");
        assertThatThrownBy(() -> chat.withShift(new SyntheticTrace.MixShift(1200,
                LengthDistribution.lognormal(10, 0, 100), LengthDistribution.lognormal(10, 0, 100))))
                .hasMessageContaining("outside its 1200.0 s");
    }

    @Test
    void badShapesAreRefusedNamingTheParameter() {
        assertThatThrownBy(() -> new ArrivalProcess.OnOff(0, 0, 60, 60, 0)).hasMessageContaining("high > low");
        assertThatThrownBy(() -> new ArrivalProcess.Wave(5, 6, 60)).hasMessageContaining("amplitude");
        assertThatThrownBy(() -> LengthDistribution.lognormal(0, 0.5, 10)).hasMessageContaining("mean");
        assertThatThrownBy(() -> new ArrivalProcess.Steps(60)).hasMessageContaining("at least one level");
    }
}
