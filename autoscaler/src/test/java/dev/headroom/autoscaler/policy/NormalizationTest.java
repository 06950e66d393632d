package dev.headroom.autoscaler.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.headroom.autoscaler.policy.DecisionReason.AT_MAX;
import static dev.headroom.autoscaler.policy.DecisionReason.AT_MIN;
import static dev.headroom.autoscaler.policy.DecisionReason.LIMITED_BY_RATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Stabilisation and rate limits against the tables of Kubernetes' {@code horizontal_test.go}:
 * {@code TestScalingWithRules} (for {@code convertDesiredReplicasWithBehaviorRate}) and
 * {@code TestNormalizeDesiredReplicasWithBehavior} (for {@code stabilizeRecommendationWithBehaviors}).
 * Row names are theirs; a {@code null} condition is their {@code DesiredWithinRange}.
 */
class NormalizationTest {

    private static final Instant NOW = Fixtures.T0;

    /** {@code generateScalingRules}: a pods policy and/or a percent policy, selectPolicy Max. */
    private static ScalingRules rules(int pods, int podsPeriod, int percent, int percentPeriod, int window) {
        List<RatePolicy> policies = new ArrayList<>();
        if (pods != 0) {
            policies.add(RatePolicy.pods(pods, Duration.ofSeconds(podsPeriod)));
        }
        if (percent != 0) {
            policies.add(RatePolicy.percent(percent, Duration.ofSeconds(percentPeriod)));
        }
        return new ScalingRules(Duration.ofSeconds(window), SelectPolicy.MAX, policies, 0.1);
    }

    /** {@code generateEventsUniformDistribution}: events spread over the last period, each mid-segment. */
    private static List<Normalization.ScaleEvent> events(int periodSeconds, int... changes) {
        List<Normalization.ScaleEvent> events = new ArrayList<>();
        double segment = (double) periodSeconds / changes.length;
        for (int i = 0; i < changes.length; i++) {
            double secondsAgo = periodSeconds - segment * (i + 1) + segment / 2;
            events.add(new Normalization.ScaleEvent(changes[i], NOW.minusMillis(Math.round(secondsAgo * 1000))));
        }
        return events;
    }

    private static List<Normalization.ScaleEvent> none() {
        return List.of();
    }

    static Stream<Arguments> scalingWithRules() {
        return Stream.of(
                // name, upEvents, downEvents, min, max, upRules (null = default), downRules, current, desired, expected, condition
                arguments("prenormalized desired replicas within range", none(), none(), 3, 8, null, null, 5, 7, 7, null),
                arguments("prenormalized desired replicas < minReplicas", none(), none(), 2, 8, null, null, 3, 1, 2, AT_MIN),
                arguments("prenormalized desired replicas within range when minReplicas is 0", none(), none(), 0, 10,
                        null, null, 1, 0, 0, null),
                arguments("maxReplicas is the limit because maxReplicas < scaleUpLimit", none(), none(), 1, 10, null,
                        null, 20, 1000, 10, AT_MAX),
                arguments("desired replica count is more than the maximum replica count", none(), none(), 100, 150, null,
                        null, 100, 1000, 150, AT_MAX),
                arguments("scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies", none(),
                        none(), 1, 2000, rules(0, 0, 1, 60, 0), null, 3, 1000, 4, LIMITED_BY_RATE),
                arguments("scaleDownLimit is the limit because scaleDownLimit > minReplicas with user defined policies",
                        none(), none(), 3, 2000, null, rules(20, 60, 0, 0, 0), 1000, 3, 980, LIMITED_BY_RATE),
                arguments("scaleUp with default behavior", none(), none(), 1, 1000, null, null, 10, 50, 20,
                        LIMITED_BY_RATE),
                arguments("scaleUp with pods policy larger than percent policy", none(), none(), 1, 1000,
                        rules(100, 60, 100, 60, 0), null, 10, 500, 110, LIMITED_BY_RATE),
                arguments("scaleUp with percent policy larger than pods policy", none(), none(), 1, 1000,
                        rules(2, 60, 100, 60, 0), null, 10, 500, 20, LIMITED_BY_RATE),
                arguments("scaleUp with spec MaxReplicas limitation with large pod policy", none(), none(), 1, 1000,
                        rules(100, 60, 0, 0, 0), null, 10, 50, 50, null),
                arguments("scaleUp with spec MaxReplicas limitation with large percent policy", none(), none(), 1, 1000,
                        rules(10000, 60, 0, 0, 0), null, 10, 50, 50, null),
                arguments("scaleUp with pod policy limitation", none(), none(), 1, 1000, rules(30, 60, 0, 0, 0), null,
                        10, 50, 40, LIMITED_BY_RATE),
                arguments("scaleUp with percent policy limitation", none(), none(), 1, 1000, rules(0, 0, 200, 60, 0),
                        null, 10, 50, 30, LIMITED_BY_RATE),
                arguments("scaleDown with percent policy larger than pod policy", none(), none(), 1, 1000, null,
                        rules(20, 60, 1, 60, 300), 100, 2, 80, LIMITED_BY_RATE),
                arguments("scaleDown with pod policy larger than percent policy", none(), none(), 1, 1000, null,
                        rules(2, 60, 1, 60, 300), 100, 2, 98, LIMITED_BY_RATE),
                arguments("scaleDown with spec MinReplicas limitation with large pod policy", none(), none(), 1, 1000,
                        null, rules(100, 60, 0, 0, 300), 10, 0, 1, AT_MIN),
                arguments("scaleDown with spec MinReplicas limitation with large percent policy", none(), none(), 5,
                        1000, null, rules(0, 0, 100, 60, 300), 10, 2, 5, AT_MIN),
                arguments("scaleDown with pod policy limitation", none(), none(), 1, 1000, null,
                        rules(5, 60, 0, 0, 300), 10, 2, 5, LIMITED_BY_RATE),
                arguments("scaleDown with percent policy limitation", none(), none(), 1, 1000, null,
                        rules(0, 0, 50, 60, 300), 10, 5, 5, null),
                arguments("scaleUp with spec MaxReplicas limitation with large pod policy and events",
                        events(120, 1, 5, 9), none(), 1, 200, rules(300, 60, 0, 0, 0), null, 100, 500, 200, AT_MAX),
                arguments("scaleUp with spec MaxReplicas limitation with large percent policy and events",
                        events(120, 1, 5, 9), none(), 1, 200, rules(0, 0, 10000, 60, 0), null, 100, 500, 200, AT_MAX),
                arguments("scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent scale up events",
                        events(120, 1, 5, 9), none(), 1, 1000, rules(5, 120, 0, 0, 0), null, 100, 500, 100,
                        LIMITED_BY_RATE),
                arguments("scaleUp with pod policy and previous scale up events", events(120, 1, 5, 9), none(), 1, 1000,
                        rules(150, 120, 0, 0, 0), null, 100, 500, 235, LIMITED_BY_RATE),
                arguments("scaleUp with percent policy and previous scale up events", events(120, 1, 5, 9), none(), 1,
                        1000, rules(0, 0, 200, 120, 0), null, 100, 500, 255, LIMITED_BY_RATE),
                arguments("scaleUp with percent policy and previous scale up and down events", events(120, 4),
                        events(120, 2), 1, 1000, rules(0, 0, 300, 300, 0), null, 6, 24, 16, LIMITED_BY_RATE),
                arguments("scaleDown with default policy and previous events", none(), events(120, 1, 5, 9), 1, 1000,
                        null, null, 10, 5, 5, null),
                arguments("scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events",
                        none(), events(120, 1, 5, 9), 1, 1000, null, rules(115, 120, 0, 0, 300), 100, 0, 1, AT_MIN),
                arguments("scaleDown with spec MinReplicas limitation with large pod policy and previous events", none(),
                        events(120, 1, 5, 9), 5, 1000, null, rules(130, 120, 0, 0, 300), 100, 0, 5, AT_MIN),
                arguments("scaleDown with spec MinReplicas limitation with large percent policy and previous events",
                        none(), events(120, 1, 5, 9), 5, 1000, null, rules(0, 0, 100, 120, 300), 100, 2, 5, AT_MIN),
                arguments("scaleDown with pod policy limitation and previous events", none(), events(120, 1, 5, 9), 1,
                        1000, null, rules(5, 120, 0, 0, 300), 100, 2, 100, LIMITED_BY_RATE),
                arguments("scaleDown with percent policy limitation and previous events", none(), events(120, 2, 4, 6),
                        1, 1000, null, rules(0, 0, 50, 120, 300), 100, 0, 56, LIMITED_BY_RATE),
                arguments("scaleDown with percent policy and previous scale up and down events", events(120, 2),
                        events(120, 4), 1, 1000, null, rules(0, 0, 50, 180, 0), 10, 1, 6, LIMITED_BY_RATE),
                arguments("scaleDown with previous events preventing further scale down", none(),
                        events(120, 10, 10, 10), 1, 1000, null, rules(0, 0, 10, 120, 300), 100, 0, 100,
                        LIMITED_BY_RATE),
                arguments("scaleDown with with previous events still allowing more scale down", none(),
                        events(120, 10, 10, 10), 1, 1000, null, rules(0, 0, 1000, 120, 300), 10, 5, 5, null),
                arguments("check 'outdated' flag for events for one behavior for up", events(120, 8, 12, 9, 11), none(),
                        1, 1000, rules(1000, 60, 0, 0, 0), null, 100, 200, 200, null),
                arguments("check that events were not marked 'outdated' for two different policies in the behavior for up",
                        events(120, 8, 12, 9, 11), none(), 1, 1000, rules(1000, 120, 100, 60, 0), null, 100, 200, 200,
                        null),
                arguments("check 'outdated' flag for events for one behavior for down", none(),
                        events(120, 8, 12, 9, 11), 1, 1000, null, rules(1000, 60, 0, 0, 300), 100, 5, 5, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scalingWithRules")
    void ratePoliciesAndLimitsAsTheHpa(String name, List<Normalization.ScaleEvent> upEvents,
                                       List<Normalization.ScaleEvent> downEvents, int min, int max, ScalingRules up,
                                       ScalingRules down, int current, int desired, int expected,
                                       DecisionReason condition) {
        Behavior behavior = new Behavior(up == null ? ScalingRules.defaultScaleUp() : up,
                down == null ? ScalingRules.defaultScaleDown() : down);
        Normalization.Limited limited = Normalization.limitByRate(current, desired, min, max, upEvents, downEvents,
                behavior, NOW);
        assertThat(limited.replicas()).as(name).isEqualTo(expected);
        assertThat(limited.limitedBy()).as(name).isEqualTo(condition);
    }

    @ParameterizedTest(name = "selectPolicy {0}: 10 → 50 allows {1}")
    @MethodSource("selectPolicies")
    void selectPolicyPicksTheLargestOrSmallestChangeOrNone(SelectPolicy select, int expectedUp, int expectedDown) {
        List<RatePolicy> policies = List.of(RatePolicy.pods(4, Duration.ofSeconds(15)),
                RatePolicy.percent(100, Duration.ofSeconds(15)));
        ScalingRules up = ScalingRules.defaultScaleUp().withPolicies(select, policies);
        ScalingRules down = ScalingRules.defaultScaleDown().withPolicies(select,
                List.of(RatePolicy.pods(4, Duration.ofSeconds(15)), RatePolicy.percent(50, Duration.ofSeconds(15))));
        Behavior behavior = new Behavior(up, down);
        assertThat(Normalization.limitByRate(10, 50, 1, 100, none(), none(), behavior, NOW).replicas())
                .isEqualTo(expectedUp);
        assertThat(Normalization.limitByRate(10, 1, 1, 100, none(), none(), behavior, NOW).replicas())
                .isEqualTo(expectedDown);
    }

    static Stream<Arguments> selectPolicies() {
        return Stream.of(
                arguments(SelectPolicy.MAX, 20, 5),      // up: max(10+4, 10×2); down: min(10−4, 10×0.5)
                arguments(SelectPolicy.MIN, 14, 6),      // up: min(14, 20); down: max(6, 5)
                arguments(SelectPolicy.DISABLED, 10, 10));
    }

    record Rec(int replicas, int minutesAgo) {
    }

    private static List<Normalization.TimedRecommendation> recs(Rec... recs) {
        List<Normalization.TimedRecommendation> list = new ArrayList<>();
        for (Rec r : recs) {
            list.add(new Normalization.TimedRecommendation(r.replicas(), NOW.minus(Duration.ofMinutes(r.minutesAgo()))));
        }
        return list;
    }

    static Stream<Arguments> stabilisation() {
        return Stream.of(
                // name, history, current, prenormalized, expected, up window s, down window s
                arguments("empty recommendations for scaling down", recs(), 100, 5, 5, 0, 0),
                arguments("simple scale down stabilization", recs(new Rec(4, 2), new Rec(5, 1)), 100, 3, 5, 0, 180),
                arguments("simple scale up stabilization", recs(new Rec(4, 2), new Rec(5, 1)), 1, 7, 4, 300, 0),
                arguments("no scale down stabilization", recs(new Rec(1, 2), new Rec(2, 1)), 100, 3, 3, 300, 0),
                arguments("no scale up stabilization", recs(new Rec(4, 2), new Rec(5, 1)), 1, 3, 3, 0, 300),
                arguments("no scale down stabilization, reuse recommendation element",
                        recs(new Rec(10, 10), new Rec(9, 9)), 100, 3, 3, 0, 0),
                arguments("no scale up stabilization, reuse recommendation element",
                        recs(new Rec(10, 10), new Rec(9, 9)), 1, 100, 100, 0, 0),
                arguments("scale down stabilization, reuse one of obsolete recommendation element",
                        recs(new Rec(10, 10), new Rec(4, 1), new Rec(5, 2), new Rec(9, 9)), 100, 3, 5, 0, 180),
                arguments("scale up stabilization, reuse one of obsolete recommendation element",
                        recs(new Rec(10, 100), new Rec(6, 1), new Rec(5, 2), new Rec(9, 3)), 1, 100, 5, 300, 0),
                arguments("scale up and down stabilization, do not scale up when prenormalized rec goes down",
                        recs(new Rec(2, 100), new Rec(3, 3)), 2, 1, 2, 300, 300),
                arguments("scale up and down stabilization, do not scale down when prenormalized rec goes up",
                        recs(new Rec(2, 100), new Rec(1, 3)), 2, 3, 2, 300, 300));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stabilisation")
    void stabilisationAsTheHpa(String name, List<Normalization.TimedRecommendation> history, int current,
                               int prenormalized, int expected, int upWindow, int downWindow) {
        Behavior behavior = new Behavior(ScalingRules.defaultScaleUp().withStabilizationWindow(Duration.ofSeconds(upWindow)),
                ScalingRules.defaultScaleDown().withStabilizationWindow(Duration.ofSeconds(downWindow)));
        int before = history.size();
        int stabilised = Normalization.stabilize(history, NOW, current, prenormalized, behavior);
        assertThat(stabilised).as(name).isEqualTo(expected);
        assertThat(history).as("the new recommendation is remembered, unstabilised")
                .last().isEqualTo(new Normalization.TimedRecommendation(prenormalized, NOW));
        assertThat(history.size()).isLessThanOrEqualTo(before + 1);
        Instant oldestThatCounts = NOW.minusSeconds(Math.max(upWindow, downWindow));
        assertThat(history).as("entries older than both windows are dropped")
                .allSatisfy(r -> assertThat(r.at()).isAfterOrEqualTo(oldestThatCounts));
    }

    @Test
    void eventsOlderThanTheLongestPeriodAreDroppedWhenANewOneIsStored() {
        List<Normalization.ScaleEvent> events = new ArrayList<>(List.of(
                new Normalization.ScaleEvent(7, NOW.minusSeconds(61)),
                new Normalization.ScaleEvent(6, NOW.minusSeconds(59))));
        Normalization.store(events, 5, Duration.ofSeconds(60), NOW);
        assertThat(events).extracting(Normalization.ScaleEvent::change).containsExactly(6, 5);
        assertThat(Normalization.changeInPeriod(Duration.ofSeconds(60), events, NOW)).isEqualTo(11);
        assertThat(Normalization.changeInPeriod(Duration.ofSeconds(30), events, NOW)).isEqualTo(5);
    }
}
