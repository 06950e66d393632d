package dev.headroom.evaluation;

import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.SimRequest;
import dev.headroom.simulator.cluster.ClusterConfig;
import dev.headroom.simulator.cluster.ClusterRun;
import dev.headroom.simulator.cluster.ClusterSimulator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OraclePlanTest {

    private static final ClusterConfig H100 = ClusterConfig.of(EngineConfig.llama31_8bH100()).withReplicas(1, 1, 16)
            .withColdStartSeconds(30).withScrapeIntervalSeconds(15);

    /** {@code perInterval[k]} requests spread evenly over interval k of 15 s, each of the given lengths. */
    private static List<SimRequest> load(int prompt, int output, int... perInterval) {
        List<SimRequest> out = new ArrayList<>();
        for (int k = 0; k < perInterval.length; k++) {
            for (int i = 0; i < perInterval[k]; i++) {
                out.add(new SimRequest(out.size(), k * 15 + 15.0 * i / perInterval[k], prompt, output));
            }
        }
        return out;
    }

    @Test
    void eachTickAsksForTheMostAnyIntervalWithinOneColdStartNeeds() {
        // cold start 30 s = two intervals ahead
        OraclePlan plan = OraclePlan.fromNeeds(new int[] {1, 2, 1, 1, 1, 4, 1, 1}, H100);
        int[] desired = new int[8];
        for (int k = 0; k < 8; k++) {
            desired[k] = plan.desiredAt(k * 15);
        }
        assertThat(desired).containsExactly(2, 2, 1, 4, 4, 4, 1, 1);
        assertThat(plan.peakReplicas()).isEqualTo(4);
        assertThat(plan.needAt(75)).isEqualTo(4);
    }

    @Test
    void aBindingCapIsReportedNotHidden() {
        OraclePlan plan = OraclePlan.fromNeeds(new int[] {1, 9, 2}, H100.withReplicas(1, 1, 3));
        assertThat(plan.needAt(15)).isEqualTo(3);
        assertThat(plan.feasible()).isFalse();
        assertThat(plan.summary().uncappedPeak()).isEqualTo(9);
        assertThat(plan.summary().cappedIntervals()).isEqualTo(1);
        assertThat(plan.summary().infeasibleBecause()).singleElement().asString().contains("--max-replicas 3 binds");
    }

    @Test
    void theSearchedPlanMeetsTheSloWithFewerReplicasWhereTheLoadIsLight() {
        // 5 req/s, then 60 req/s for a minute, then 5 req/s again; 1,000-token prompts, 200-token outputs
        List<SimRequest> requests = load(1000, 200, 75, 75, 75, 75, 900, 900, 900, 900, 75, 75, 75, 75);
        OraclePlan plan = OraclePlan.compute(requests, H100, Slo.defaults());

        assertThat(plan.feasible()).as(plan.summary().infeasibleBecause().toString()).isTrue();
        assertThat(plan.needAt(0)).isEqualTo(1);
        assertThat(plan.needAt(60)).isBetween(2, 8);
        assertThat(plan.needAt(165)).isEqualTo(1);
        // the burst's replicas are asked for one cold start (two intervals) before it
        assertThat(plan.desiredAt(30)).isEqualTo(plan.needAt(60));
        ClusterRun run = new ClusterSimulator(H100.withReplicas(plan.desiredAt(0), 1, 16))
                .run(requests, view -> plan.desiredAt(view.nowSeconds()));
        assertThat(run.sloAttainment(2.0, 0.1)).isGreaterThanOrEqualTo(0.99)
                .isEqualTo(plan.summary().attainment());
        // one replica fewer at the burst's peak misses the burst's SLO
        int[] fewer = new int[12];
        for (int k = 0; k < 12; k++) {
            fewer[k] = k >= 4 && k < 8 ? plan.needAt(k * 15) - 1 : plan.needAt(k * 15);
        }
        OraclePlan under = OraclePlan.fromNeeds(fewer, H100);
        ClusterRun short1 = new ClusterSimulator(H100.withReplicas(under.desiredAt(0), 1, 16))
                .run(requests, view -> under.desiredAt(view.nowSeconds()));
        assertThat(short1.sloAttainment(2.0, 0.1)).isLessThan(run.sloAttainment(2.0, 0.1));
        // deterministic
        OraclePlan again = OraclePlan.compute(requests, H100, Slo.defaults());
        for (int k = 0; k < 12; k++) {
            assertThat(again.desiredAt(k * 15)).isEqualTo(plan.desiredAt(k * 15));
        }
    }

    @Test
    void aSearchedNeedOverMaxReplicasMakesTheOracleInfeasibleAndSaysByHowMuch() {
        List<SimRequest> requests = load(1000, 200, 75, 900, 900, 900, 75);
        OraclePlan plan = OraclePlan.compute(requests, H100.withReplicas(1, 1, 2), Slo.defaults());
        assertThat(plan.peakReplicas()).isEqualTo(2);
        assertThat(plan.summary().uncappedPeak()).isGreaterThan(2);
        assertThat(plan.summary().cappedIntervals()).isBetween(1, 3);
        assertThat(plan.feasible()).isFalse();
        assertThat(plan.summary().infeasibleBecause()).anySatisfy(why -> assertThat(why)
                .contains("--max-replicas 2 binds").contains("up to " + plan.summary().uncappedPeak()));
    }

    @Test
    void anSloNoReplicaCountCanMeetIsAnErrorThatSaysWhy() {
        // a 30,000-token prompt's prefill alone takes longer than a 0.5 s TTFT objective
        List<SimRequest> requests = load(30_000, 20, 4, 4);
        assertThatThrownBy(() -> OraclePlan.compute(requests, H100, new Slo(0.5, 0.1, 0.99)))
                .isInstanceOf(InfeasibleSloException.class)
                .hasMessageContaining("no number of replicas")
                .hasMessageContaining("prefill alone")
                .hasMessageContaining("TTFT objective of 0.50 s");
    }

    @Test
    void aFewRequestsThatFailAloneAreCountedAgainstTheBudgetNotSearchedForever() {
        List<SimRequest> requests = new ArrayList<>(load(500, 50, 150, 150, 150, 150));
        List<SimRequest> withOneLong = new ArrayList<>();
        for (SimRequest r : requests) {
            withOneLong.add(r.id() == 300 ? new SimRequest(300, r.arrivalSeconds(), 60_000, 20) : r);
        }
        OraclePlan plan = OraclePlan.compute(withOneLong, H100, new Slo(1.0, 0.1, 0.99));
        assertThat(plan.summary().impossibleRequests()).isEqualTo(1);
        assertThat(plan.summary().impossibleReason()).contains("prefill alone");
        assertThat(plan.peakReplicas()).isLessThan(16);
    }
}
