package dev.headroom.signals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.headroom.signals.Samples.BOUNDS;
import static dev.headroom.signals.Samples.INF;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Each row is worked by hand with PromQL's rule: rank = q × observations; b = first bucket whose cumulative
 * count ≥ rank; value = lower + (upper − lower) × (rank − cum[b−1]) / (cum[b] − cum[b−1]), bucket 0 from 0.
 * Bounds are 0.1, 0.5, 1, +Inf unless a row says otherwise.
 */
class HistogramQuantileTest {

    static Stream<Arguments> handWorked() {
        double[] spread = {10, 30, 40, 40};
        return Stream.of(
                // 40 obs, rank 20: cum 10 < 20 ≤ 30 → bucket (0.1, 0.5]: 0.1 + 0.4 × (20−10)/(30−10) = 0.3
                arguments("median in the second bucket", 0.5, spread, 0.3),
                // rank 38: 30 < 38 ≤ 40 → bucket (0.5, 1]: 0.5 + 0.5 × (38−30)/10 = 0.9
                arguments("p95 in the third bucket", 0.95, spread, 0.9),
                // rank 4 ≤ 10 → bucket [0, 0.1]: 0 + 0.1 × 4/10 = 0.04
                arguments("p10 in the first bucket, from 0", 0.1, spread, 0.04),
                // rank 10 = cum[0] → still bucket 0, at its top: 0.1 × 10/10 = 0.1
                arguments("rank exactly on a bucket edge", 0.25, spread, 0.1),
                // rank 40 reached first at bucket 2 (cum 40): 0.5 + 0.5 × 10/10 = 1.0
                arguments("q = 1 stops at the last bucket holding data", 1.0, spread, 1.0),
                // rank 0: bucket 0, 0.1 × 0/10 = 0
                arguments("q = 0", 0.0, spread, 0.0),
                // 10 obs, rank 5: cum 1, 2, 3 < 5 → +Inf bucket → upper bound of the highest finite bucket, 1.0
                arguments("median in the +Inf bucket", 0.5, new double[]{1, 2, 3, 10}, 1.0),
                // rank 9.5, same: +Inf → 1.0
                arguments("p95 in the +Inf bucket", 0.95, new double[]{1, 2, 3, 10}, 1.0),
                // 9.999999 raised to 10 (running max): cum 10, 10, 40, 40; rank 20 → bucket (0.5, 1]:
                // 0.5 + 0.5 × (20−10)/30 = 0.6666…
                arguments("a dip is raised to the running maximum", 0.5, new double[]{10, 9.999999, 40, 40},
                        0.5 + 0.5 * 10.0 / 30.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handWorked")
    void matchesTheHandCalculation(String name, double q, double[] cumulative, double expected) {
        assertThat(HistogramQuantile.of(q, BOUNDS, cumulative)).hasValueCloseTo(expected, within(1e-12));
    }

    @Test
    void noObservationsIsUnknownNotZero() {
        assertThat(HistogramQuantile.of(0.5, BOUNDS, new double[]{0, 0, 0, 0})).isEmpty();
    }

    @Test
    void onlyTheInfBucketIsUnknown() {
        assertThat(HistogramQuantile.of(0.5, new double[]{INF}, new double[]{5})).isEmpty();
    }

    @Test
    void withoutAnInfBucketIsUnknown() {
        assertThat(HistogramQuantile.of(0.5, new double[]{0.1, 0.5}, new double[]{1, 2})).isEmpty();
    }

    @Test
    void leavesTheCallersArrayAlone() {
        double[] cumulative = {10, 9, 40, 40};
        HistogramQuantile.of(0.5, BOUNDS, cumulative);
        assertThat(cumulative).containsExactly(10, 9, 40, 40);
    }

    @Test
    void rejectsAQuantileOutsideZeroToOne() {
        assertThatThrownBy(() -> HistogramQuantile.of(1.5, BOUNDS, new double[]{1, 2, 3, 4}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5");
        assertThatThrownBy(() -> HistogramQuantile.of(Double.NaN, BOUNDS, new double[]{1, 2, 3, 4}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsMismatchedLengths() {
        assertThatThrownBy(() -> HistogramQuantile.of(0.5, BOUNDS, new double[]{1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 bounds, 2 counts");
    }
}
