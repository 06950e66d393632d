package dev.headroom.simulator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class LoadGeneratorTest {

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private EngineServer server(double timeScale) throws IOException {
        EngineServer s = EngineServer.start(EngineConfig.demo(), ServerOptions.defaults().withTimeScale(timeScale));
        resources.add(s);
        return s;
    }

    private LoadGenerator start(LoadGenerator.Plan plan) {
        LoadGenerator g = LoadGenerator.start(plan);
        resources.add(g);
        return g;
    }

    @Test
    void stopsAtTheRequestCountAndNeverExceedsTheInFlightCap() throws Exception {
        EngineServer server = server(20);
        LoadGenerator.Plan plan = LoadGenerator.Plan.ramp(server.baseUri(), 200, 200, Duration.ofSeconds(5))
                .withBounds(30, 4).withLengths(new LengthRange(16, 64), new LengthRange(4, 16));
        LoadGenerator generator = start(plan);

        LoadGenerator.Progress last = generator.completion().get(20, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(last.done()).isTrue();
        assertThat(last.sent() + last.dropped()).isEqualTo(30);
        assertThat(last.maxInFlightSeen()).isBetween(1, 4);
        assertThat(last.inFlight()).isZero();
        assertThat(last.completed() + last.rejected() + last.failed()).isEqualTo(last.sent());
        assertThat(last.completed()).isPositive();
        assertThat(last.elapsedSeconds()).as("30 arrivals at 200/s take well under the 5 s ramp").isLessThan(5);
        assertThat(server.snapshot().finishedTotal()).isEqualTo(last.completed());
    }

    @Test
    void stopsAtTheEndOfItsDuration() throws Exception {
        EngineServer server = server(50);
        LoadGenerator.Plan plan = LoadGenerator.Plan.ramp(server.baseUri(), 10, 20, Duration.ofMillis(600))
                .withLengths(new LengthRange(16, 32), new LengthRange(2, 4))
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
        LoadGenerator generator = start(plan);
        assertThat(generator.progress().done()).isFalse();

        await().atMost(Duration.ofSeconds(10)).until(generator::done);

        LoadGenerator.Progress p = generator.progress();
        assertThat(p.elapsedSeconds()).isGreaterThanOrEqualTo(0.6).isLessThan(6.0);
        assertThat(p.sent()).isBetween(1L, 40L);
        assertThat(p.offeredRate()).isZero();
        assertThat(p.completed()).isEqualTo(p.sent());
    }

    @Test
    void stopEndsALongRunEarly() throws Exception {
        EngineServer server = server(50);
        LoadGenerator generator = start(LoadGenerator.Plan.ramp(server.baseUri(), 5, 5, Duration.ofMinutes(10))
                .withLengths(new LengthRange(8, 8), new LengthRange(2, 2)));
        await().atMost(Duration.ofSeconds(5)).until(() -> generator.progress().offeredRate() == 5.0);
        generator.stop();
        await().atMost(Duration.ofSeconds(5)).until(generator::done);
        assertThat(generator.progress().elapsedSeconds()).isLessThan(15);
    }

    @Test
    void anUnreachableTargetCountsFailuresAndStillStops() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        LoadGenerator generator = start(LoadGenerator.Plan.ramp(URI.create("http://127.0.0.1:" + port), 50, 50,
                Duration.ofMillis(300)).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3)));
        await().atMost(Duration.ofSeconds(10)).until(generator::done);
        LoadGenerator.Progress p = generator.progress();
        assertThat(p.sent()).isPositive();
        assertThat(p.failed()).isEqualTo(p.sent());
        assertThat(p.completed()).isZero();
    }

    @Test
    void aPlanIsValidated() {
        URI base = URI.create("http://127.0.0.1:1");
        assertThatThrownBy(() -> LoadGenerator.Plan.ramp(URI.create("ftp://x/"), 1, 2, Duration.ofSeconds(1)))
                .hasMessageContaining("completionsUri");
        assertThatThrownBy(() -> LoadGenerator.Plan.ramp(base, -1, 2, Duration.ofSeconds(1)))
                .hasMessageContaining("rates");
        assertThatThrownBy(() -> LoadGenerator.Plan.ramp(base, 1, 2, Duration.ZERO))
                .hasMessageContaining("duration");
        assertThatThrownBy(() -> LoadGenerator.Plan.ramp(base, 1, 2, Duration.ofSeconds(1)).withBounds(0, 1))
                .hasMessageContaining("maxRequests");
        assertThatThrownBy(() -> LoadGenerator.Plan.ramp(base, 1, 2, Duration.ofSeconds(1)).withBounds(1, 0))
                .hasMessageContaining("maxInFlight");
    }
}
