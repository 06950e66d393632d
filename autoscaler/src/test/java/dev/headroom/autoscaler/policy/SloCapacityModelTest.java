package dev.headroom.autoscaler.policy;

import dev.headroom.signals.SaturationTargets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static dev.headroom.autoscaler.policy.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@link SloCapacityModel}'s limits read from the engine's own state: the KV cache, and saturation blips. */
class SloCapacityModelTest {

    private static final SloSpec SLO = SloSpec.perRequest(5.0, 0.1, 0.99);
    /** Long prompts, a flat 20 ms step: the latencies alone set no limit within reach. */
    private static final double PROMPT = 13_000;
    private static final double OUTPUT = 340;
    private static final double STEP = 0.02;
    private static final double BEFORE_DECODE = 0.5;

    private final SloCapacityModel model = new SloCapacityModel();
    private Instant now = T0;

    /** One reading at {@code rate} req/s per replica on an engine whose cache holds {@code cacheRequests}. */
    private void offer(double rate, double cacheRequests, double queue) {
        offer(rate, cacheRequests, queue, 1.0);
    }

    /** As {@link #offer(double, double, double)}, with the window's TTFT reading. */
    private void offer(double rate, double cacheRequests, double queue, double ttft) {
        double running = rate * (BEFORE_DECODE + OUTPUT * STEP);
        // Every replica alike: the fewest waiting on one is the mean.
        model.offer(new SloCapacityModel.Sample(now, rate, rate, running, queue, queue, rate * PROMPT, rate * OUTPUT,
                STEP, STEP, ttft, Math.min(1, running / cacheRequests)));
        now = now.plusSeconds(15);
    }

    /** {@code readings} readings sweeping 0.4–1.0 req/s per replica, ten to a sweep, nothing queued. */
    private void offerSweeps(int readings, double cacheRequests) {
        for (int t = 0; t < readings; t++) {
            offer(0.4 + 0.6 * (t % 10) / 9.0, cacheRequests, 0);
        }
    }

    @Test
    void theKvCacheBindsBeforeItFillsReadFromItsUsePerRunningRequest() {
        // A cache of 8 such requests; the load stays at 0.4–1.0 req/s, so KV use stays at 0.37–0.91 and nothing
        // queues: the cache's size shows in its use, before it fills.
        offerSweeps(40, 8);
        LearnedCapacity c = model.estimate(SLO, now);
        assertThat(c.binding()).isEqualTo(LearnedCapacity.SloTerm.KV_CACHE);
        // The batch at 85 % of the cache, 6.8, is reached at 6.8 / (0.5 + 340 × 0.02) ≈ 0.93 req/s.
        assertThat(c.perReplica()).isCloseTo(SloCapacityModel.KV_SHARE * 8 / (BEFORE_DECODE + OUTPUT * STEP),
                within(0.02));
    }

    @Test
    void theEvidenceBoundStillLetsTheTargetStepBeyondTheLoadSeen() {
        // A cache far larger than the batch and a flat step: no SLO term binds within reach, only the evidence.
        offerSweeps(40, 100);
        LearnedCapacity c = model.estimate(SLO, now);
        assertThat(c.binding()).isEqualTo(LearnedCapacity.SloTerm.EVIDENCE);
        // The batch bound takes the same step as the rate bound (1.3 × what was seen, here both 1.0 req/s and its
        // batch): the target, 0.9 of it, then lies beyond the load seen by more than the HPA's 10 % tolerance, so
        // replicas that kept the load below what it proved can still be given back and the next step proven. With
        // the batch bound at 1.15 × the largest batch the target was 1.035 × the load seen: no step at all.
        assertThat(c.perReplica()).isCloseTo(SloCapacityModel.EXPLORE, within(0.02));
        assertThat(SaturationTargets.RATE_TARGET_SHARE * c.perReplica()).isGreaterThan(1.1 * 1.0);
    }

    @Test
    void oneQueuedReadingIsABlipNotTheReplicasLimit() {
        offerSweeps(30, 100);
        double before = model.estimate(SLO, now).perReplica();
        offer(0.3, 100, 20); // one long prompt held the queue up for a moment, with a small batch
        offer(0.7, 100, 0);
        offer(0.7, 100, 0);
        LearnedCapacity after = model.estimate(SLO, now);
        assertThat(after.binding()).isNotEqualTo(LearnedCapacity.SloTerm.SATURATION);
        assertThat(after.perReplica()).isGreaterThanOrEqualTo(0.95 * before);
    }

    @ParameterizedTest(name = "fewest waiting on one replica {0}: the replicas' limit {1}")
    @CsvSource({"0, false", "2, true"})
    void aBatchIsTheReplicasLimitOnlyWhereRequestsWaitOnEveryReplica(double queueMin, boolean limit) {
        offerSweeps(30, 100);
        double before = model.estimate(SLO, now).perReplica();
        // 40 waiting per replica on average. With none on some replica, this is a backlog one replica still works
        // off (after a return from idle, the replicas added for it start empty) and the mean batch is only what
        // the arrivals keep in flight; with requests waiting on every replica, that batch is their limit.
        backlog(6, queueMin);
        LearnedCapacity after = model.estimate(SLO, now);
        if (limit) {
            assertThat(after.binding()).isEqualTo(LearnedCapacity.SloTerm.SATURATION);
            assertThat(after.perReplica()).isLessThan(0.9 * before);
        } else {
            assertThat(after.binding()).isNotEqualTo(LearnedCapacity.SloTerm.SATURATION);
            assertThat(after.perReplica()).isGreaterThanOrEqualTo(0.95 * before);
        }
    }

    /** {@code readings} readings at 0.7 req/s per replica, 40 waiting per replica, the fewest on one {@code queueMin}. */
    private void backlog(int readings, double queueMin) {
        for (int t = 0; t < readings; t++) {
            double running = 0.7 * (BEFORE_DECODE + OUTPUT * STEP);
            model.offer(new SloCapacityModel.Sample(now, 0.7, 0.7, running, 40, queueMin, 0.7 * PROMPT, 0.7 * OUTPUT,
                    STEP, STEP, 1.0, running / 100));
            now = now.plusSeconds(15);
        }
    }

    @Test
    void theTtftOfRequestsThatWaitedInAQueueThatHasGoneDoesNotLowerTheCapacity() {
        for (int t = 0; t < 10; t++) {
            offer(0.4 + 0.6 * (t % 10) / 9.0, 100, 0);
        }
        double before = model.estimate(SLO, now).perReplica();
        // A backlog, then its drain: the queue is gone at once, but for the next minutes the TTFT window still
        // holds the requests that waited in it (45 s, then falling), at a lower rate than before.
        offer(0.9, 100, 40, 30);
        offer(0.9, 100, 20, 40);
        double[] echo = {45, 40, 35, 30, 25, 12, 8};
        for (double ttft : echo) {
            offer(0.5, 100, 0, ttft);
        }
        offer(0.5, 100, 0, 1.0);
        offer(0.5, 100, 0, 1.0);
        LearnedCapacity after = model.estimate(SLO, now);
        assertThat(after.binding()).isNotEqualTo(LearnedCapacity.SloTerm.TTFT);
        assertThat(after.perReplica()).isGreaterThanOrEqualTo(0.95 * before);
    }

    @Test
    void theStepTimeOfAFullReplicaWorkingOffABacklogDoesNotBendTheItlFit() {
        // Below saturation the step stays near 20 ms from 0.4 to 1.0 req/s per replica.
        offerSweeps(20, 100);
        double before = model.estimate(SLO, now).perReplica();
        // Then a backlog, as after a start that came too fast: 20 waiting per replica, the batch as large as the
        // backlog fills it (36), 120 ms steps, less finished than arrives. A line through these and the readings
        // below bends the fitted step up at loads the replica had carried at 20 ms steps (this case fails so).
        for (int t = 0; t < 12; t++) {
            model.offer(new SloCapacityModel.Sample(now, 1.3, 0.8, 36, 20, 20, 0.8 * PROMPT, 0.8 * OUTPUT, 0.12,
                    0.12, 30, 0.9));
            now = now.plusSeconds(15);
        }
        LearnedCapacity during = model.estimate(SLO, now);
        assertThat(during.perReplica()).isGreaterThanOrEqualTo(0.9 * before);
        assertThat(during.binding()).isNotIn(LearnedCapacity.SloTerm.ITL, LearnedCapacity.SloTerm.TTFT);
    }

    @Test
    void anItlAboveTheObjectiveBelowSaturationStillBinds() {
        // Steps that grow with the batch, nothing queued: the ITL objective (0.1 s) is reached within the loads seen,
        // and the estimate must fall below the load that showed it.
        for (int t = 0; t < 30; t++) {
            double rate = 0.4 + 0.6 * (t % 10) / 9.0;
            double step = 0.02 + 0.16 * (rate - 0.4);
            double running = rate * (BEFORE_DECODE + OUTPUT * step);
            model.offer(new SloCapacityModel.Sample(now, rate, rate, running, 0, 0, rate * PROMPT, rate * OUTPUT,
                    step, step, 1.0, running / 100));
            now = now.plusSeconds(15);
        }
        LearnedCapacity c = model.estimate(SLO, now);
        assertThat(c.binding()).isEqualTo(LearnedCapacity.SloTerm.ITL);
        assertThat(c.perReplica()).isLessThan(1.0);
    }

    @Test
    void aTtftAboveTheObjectiveWithNoQueueBeforeItStillBinds() {
        // The same readings with no queue ahead of them: prompts that take that long to start at that load are
        // what the replica costs them, and the estimate must fall below the load that showed it.
        for (int t = 0; t < 30; t++) {
            offer(0.4 + 0.6 * (t % 10) / 9.0, 100, 0, 1.0 + 8.0 * (t % 10) / 9.0);
        }
        LearnedCapacity c = model.estimate(SLO, now);
        assertThat(c.binding()).isEqualTo(LearnedCapacity.SloTerm.TTFT);
        assertThat(c.perReplica()).isLessThan(1.0);
    }
}
