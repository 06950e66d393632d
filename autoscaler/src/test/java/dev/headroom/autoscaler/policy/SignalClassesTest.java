package dev.headroom.autoscaler.policy;

import dev.headroom.signals.Signal;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the arrival rate and the mean ITL sit among load and alarm signals, and how they aggregate. */
class SignalClassesTest {

    @Test
    void theArrivalRateIsALoadThatAddsUpAcrossReplicas() {
        // Proportional to the offered load, past capacity too: it may vote for fewer replicas.
        assertThat(ScaleDownVoting.isAlarm(Signal.ARRIVALS_PS)).isFalse();
        assertThat(ScaleDownVoting.LOAD_SIGNALS.mayVoteDown(Signal.ARRIVALS_PS)).isTrue();
        assertThat(Aggregation.of(Signal.ARRIVALS_PS)).isEqualTo(Aggregation.SUM);
        assertThat(Signal.ARRIVALS_PS.measuresLoad()).isTrue();
    }

    @Test
    void theMeanItlIsAnAlarmAveragedAcrossReplicas() {
        // At its floor (one decode step) whenever there is any room: it must not vote a fleet down.
        assertThat(ScaleDownVoting.isAlarm(Signal.ITL_MEAN)).isTrue();
        assertThat(ScaleDownVoting.LOAD_SIGNALS.mayVoteDown(Signal.ITL_MEAN)).isFalse();
        assertThat(ScaleDownVoting.EVERY_SIGNAL.mayVoteDown(Signal.ITL_MEAN)).isTrue();
        assertThat(Aggregation.of(Signal.ITL_MEAN)).isEqualTo(Aggregation.MEAN);
    }
}
