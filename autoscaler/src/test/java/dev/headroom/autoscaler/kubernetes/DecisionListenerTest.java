package dev.headroom.autoscaler.kubernetes;

import dev.headroom.autoscaler.policy.ReplicaReport;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link DecisionListener#both}: everything told to the pair reaches the first, then the second. */
class DecisionListenerTest {

    @Test
    void bothTellsEveryEventToTheFirstThenTheSecond() {
        List<String> told = new ArrayList<>();
        DecisionListener both = DecisionListener.both(recorder("first", told), recorder("second", told));
        WorkloadKey key = new WorkloadKey("llm", "engine");
        Instant t = Instant.parse("2026-12-05T08:00:00Z");
        IllegalStateException failure = new IllegalStateException("boom");

        both.onReports(key, t, List.of(ReplicaReport.notReady("engine-a")));
        both.onTick(t, t.plusMillis(300), 2);
        both.onFailure(key, failure);
        both.onTickFailure(failure);
        both.onForget(key);

        assertThat(told).containsExactly(
                "first reports llm/engine 1", "second reports llm/engine 1",
                "first tick 300 ms 2", "second tick 300 ms 2",
                "first failure llm/engine boom", "second failure llm/engine boom",
                "first tick failure boom", "second tick failure boom",
                "first forget llm/engine", "second forget llm/engine");
    }

    private static DecisionListener recorder(String name, List<String> told) {
        return new DecisionListener() {
            @Override
            public void onDecision(WorkloadDecision decision) {
                told.add(name + " decision " + decision.key());
            }

            @Override
            public void onReports(WorkloadKey key, Instant at, List<ReplicaReport> reports) {
                told.add(name + " reports " + key + " " + reports.size());
            }

            @Override
            public void onTick(Instant started, Instant ended, int workloads) {
                told.add(name + " tick " + java.time.Duration.between(started, ended).toMillis() + " ms " + workloads);
            }

            @Override
            public void onForget(WorkloadKey key) {
                told.add(name + " forget " + key);
            }

            @Override
            public void onFailure(WorkloadKey key, Throwable failure) {
                told.add(name + " failure " + key + " " + failure.getMessage());
            }

            @Override
            public void onTickFailure(Throwable failure) {
                told.add(name + " tick failure " + failure.getMessage());
            }
        };
    }
}
