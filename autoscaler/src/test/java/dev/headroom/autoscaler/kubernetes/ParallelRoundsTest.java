package dev.headroom.autoscaler.kubernetes;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A tick's rounds: each once, at most {@code parallelism} at once, one slow round not holding the others. */
class ParallelRoundsTest {

    @Test
    void oneAtATimeIsThePlainLoopInOrderOnTheCallersThread() {
        List<Integer> order = new CopyOnWriteArrayList<>();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        try (ParallelRounds rounds = new ParallelRounds(1)) {
            rounds.run(5, i -> {
                order.add(i);
                threads.add(Thread.currentThread());
            });
        }
        assertThat(order).containsExactly(0, 1, 2, 3, 4);
        assertThat(threads).containsExactly(Thread.currentThread());
    }

    @Test
    void everyRoundRunsOnceAndNeverMoreThanTheBoundAtOnce() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<Integer> done = new CopyOnWriteArrayList<>();
        try (ParallelRounds rounds = new ParallelRounds(4)) {
            for (int tick = 0; tick < 3; tick++) {
                done.clear();
                rounds.run(200, i -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    Thread.onSpinWait();
                    done.add(i);
                    running.decrementAndGet();
                });
                assertThat(done).hasSize(200).doesNotHaveDuplicates();
            }
        }
        assertThat(most.get()).isBetween(1, 4);
    }

    @Test
    void aSlowRoundHoldsOneThreadWhileTheOthersFinish() throws Exception {
        CountDownLatch othersDone = new CountDownLatch(9);
        AtomicInteger slowSawOthersDone = new AtomicInteger(-1);
        try (ParallelRounds rounds = new ParallelRounds(2)) {
            rounds.run(10, i -> {
                if (i == 0) {
                    try {
                        slowSawOthersDone.set(othersDone.await(5, TimeUnit.SECONDS) ? 1 : 0);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                } else {
                    othersDone.countDown();
                }
            });
        }
        assertThat(slowSawOthersDone.get()).as("the nine quick rounds ended while the slow one waited").isEqualTo(1);
    }

    @Test
    void aRoundThatThrowsIsRethrownOnceAllAreDone() {
        AtomicInteger ran = new AtomicInteger();
        try (ParallelRounds rounds = new ParallelRounds(3)) {
            assertThatThrownBy(() -> rounds.run(30, i -> {
                ran.incrementAndGet();
                if (i == 7) {
                    throw new IllegalStateException("round 7");
                }
            })).hasMessage("round 7");
        }
        assertThat(ran.get()).isGreaterThanOrEqualTo(8);
    }

    @Test
    void theBoundIsAtLeastOne() {
        assertThatThrownBy(() -> new ParallelRounds(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
