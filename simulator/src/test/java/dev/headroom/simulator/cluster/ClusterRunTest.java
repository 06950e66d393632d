package dev.headroom.simulator.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ClusterRun}'s account of the SLO: attainment and the arrivals of the requests that missed it. */
class ClusterRunTest {

    /** A request arriving at {@code arrival} with its first token {@code ttft} later and {@code itl} per token. */
    private static ServedRequest served(long id, double arrival, double ttft, double itl) {
        double first = arrival + ttft;
        return new ServedRequest(id, 0, arrival, arrival, arrival, first, first + 10 * itl, 100, 11, 0);
    }

    @Test
    void theMissedArrivalsAreTheRequestsAttainmentCountsAgainstIncludingTheLostOnes() {
        List<ServedRequest> served = List.of(
                served(1, 30, 0.5, 0.05),  // meets both
                served(2, 10, 3.0, 0.05),  // TTFT beyond 2 s
                served(3, 20, 0.5, 0.20),  // ITL beyond 0.1 s
                served(4, 40, 2.0, 0.10)); // exactly at both: meets
        ClusterRun run = new ClusterRun(served, List.of(new LostRequest(5, 0, 5, 50, 3, 11)), List.of(), List.of(),
                List.of(), 100, 1, 0);
        assertThat(run.sloAttainment(2.0, 0.1)).isEqualTo(2.0 / 5);
        assertThat(run.missedArrivals(2.0, 0.1)).containsExactly(5, 10, 20);
        assertThat(run.missedArrivals(5.0, 1.0)).containsExactly(5);
    }
}
