package dev.headroom.evaluation;

import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.SimRequest;
import dev.headroom.simulator.cluster.ClusterConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OraclePlanTest {

    /** {@code perInterval[k]} requests spread evenly over interval k of 15 s. */
    private static List<SimRequest> load(int... perInterval) {
        List<SimRequest> out = new ArrayList<>();
        for (int k = 0; k < perInterval.length; k++) {
            for (int i = 0; i < perInterval[k]; i++) {
                out.add(new SimRequest(out.size(), k * 15 + 15.0 * i / perInterval[k], 100, 10));
            }
        }
        return out;
    }

    @Test
    void eachIntervalNeedsItsArrivalsOverTheCapacityAndTheOracleLooksOneColdStartAhead() {
        // capacity 2 req/s per replica = 30 requests per 15 s interval; cold start 30 s = two intervals ahead
        ClusterConfig cluster = ClusterConfig.of(EngineConfig.llama31_8bH100()).withReplicas(1, 1, 8)
                .withColdStartSeconds(30);
        OraclePlan plan = OraclePlan.plan(load(30, 31, 10, 10, 10, 95, 10, 10), 2.0, cluster);

        assertThat(new int[] {plan.needAt(0), plan.needAt(15), plan.needAt(30), plan.needAt(75)})
                .containsExactly(1, 2, 1, 4);
        // desired(t) = the largest need over [t, t + 30 s + 15 s]: intervals k..k+2
        int[] desired = new int[8];
        for (int k = 0; k < 8; k++) {
            desired[k] = plan.desiredAt(k * 15);
        }
        assertThat(desired).containsExactly(2, 2, 1, 4, 4, 4, 1, 1);
        assertThat(plan.peakReplicas()).isEqualTo(4);
        assertThat(plan.capacityPerReplica()).isEqualTo(2.0);
    }

    @Test
    void needIsClampedToTheClustersBounds() {
        ClusterConfig cluster = ClusterConfig.of(EngineConfig.llama31_8bH100()).withReplicas(2, 2, 3);
        OraclePlan plan = OraclePlan.plan(load(1, 300), 1.0, cluster);
        assertThat(plan.needAt(0)).isEqualTo(2);
        assertThat(plan.peakReplicas()).isEqualTo(3);
        assertThatThrownBy(() -> OraclePlan.plan(load(1), 0, cluster))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
    }

    @Test
    void theMeasuredCapacityMeetsTheSloAndSitsBelowTheSaturationEstimate() {
        ClusterConfig cluster = ClusterConfig.of(EngineConfig.llama31_8bH100());
        List<SimRequest> mix = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            mix.add(new SimRequest(i, i, 600 + (i * 37) % 1200, 100 + (i * 13) % 200));
        }
        double c = OraclePlan.sloCapacityPerReplica(cluster, mix, Slo.defaults(), 3);
        // 8B on an H100 with ~1,200-token prompts and ~200-token outputs saturates near 19 req/s (capacity.md)
        assertThat(c).isBetween(8.0, 24.0);
        assertThat(OraclePlan.sloCapacityPerReplica(cluster, mix, Slo.defaults(), 3)).isEqualTo(c);
        double strict = OraclePlan.sloCapacityPerReplica(cluster, mix, new Slo(0.3, 0.1, 0.99), 3);
        assertThat(strict).isLessThan(c);
    }
}
