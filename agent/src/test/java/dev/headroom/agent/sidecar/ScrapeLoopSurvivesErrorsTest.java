package dev.headroom.agent.sidecar;

import dev.headroom.collectors.gpu.GpuProbe;
import dev.headroom.collectors.gpu.GpuReading;
import dev.headroom.collectors.gpu.ProbeState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sidecar's scrape loop against rounds that throw {@link Error}s: each is caught, counted and shown by the
 * liveness check, and the loop comes round again. The Error comes from the GPU probe polled in the same round as
 * the scrape (a real seam of the loop); the engine is a loopback port that refuses connections.
 */
class ScrapeLoopSurvivesErrorsTest {

    /** Throws the given errors on its first polls, then answers. */
    static final class ThrowingProbe implements GpuProbe {
        final Error[] errors;
        final AtomicInteger polls = new AtomicInteger();

        ThrowingProbe(Error... errors) {
            this.errors = errors;
        }

        @Override
        public String source() {
            return "nvml";
        }

        @Override
        public ProbeState state() {
            return ProbeState.AVAILABLE;
        }

        @Override
        public String message() {
            return "stand-in";
        }

        @Override
        public GpuReading poll() {
            int n = polls.getAndIncrement();
            if (n < errors.length) {
                throw errors[n];
            }
            return new GpuReading("nvml", ProbeState.AVAILABLE, "ok", Instant.now(), java.util.List.of());
        }

        @Override
        public void close() {
        }
    }

    @Test
    void roundsThatThrowErrorsAreCountedAndTheLoopComesRoundAgain() throws Exception {
        int refused;
        try (ServerSocket s = new ServerSocket(0)) {
            refused = s.getLocalPort();
        }
        SidecarSettings settings = SidecarSettings.defaults(URI.create("http://127.0.0.1:" + refused + "/metrics"))
                .withScrapeInterval(Duration.ofMillis(50));
        ThrowingProbe probe = new ThrowingProbe(new OutOfMemoryError("Java heap space (thrown by a library)"),
                new StackOverflowError(), new AssertionError("a bug"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SidecarRuntime runtime = new SidecarRuntime(registry);
        ScrapeLoopHealthCheck health = new ScrapeLoopHealthCheck(runtime);
        try {
            runtime.start(settings, Optional.of(probe));
            await().atMost(Duration.ofSeconds(10)).until(() -> probe.polls.get() >= 6);

            assertThat(runtime.loopFailures()).as("each Error was one failed round").isEqualTo(3);
            assertThat(runtime.lastLoopFailure()).hasValueSatisfying(f -> assertThat(f)
                    .startsWith("java.lang.AssertionError").contains("a bug"));
            assertThat(runtime.loopAlive()).isTrue();
            assertThat(runtime.snapshot()).hasValueSatisfying(s -> assertThat(s.scrapesFailed())
                    .as("the engine is still scraped after the Errors").isGreaterThanOrEqualTo(6));
            var response = health.call();
            assertThat(response.getStatus()).isEqualTo(org.eclipse.microprofile.health.HealthCheckResponse.Status.UP);
            assertThat(response.getData()).hasValueSatisfying(d -> assertThat(d).containsEntry("loopFailures", 3L));
            assertThat(runtime.gpu()).as("the probe's readings arrive again").isPresent();
            // Each reported as what it was, not as an unreachable engine.
            for (String kind : new String[] {"OutOfMemoryError", "StackOverflowError", "AssertionError"}) {
                assertThat(registry.find("headroom_scrape_loop_failures").tag("kind", kind).counter())
                        .as(kind).isNotNull().extracting(c -> c.count()).isEqualTo(1.0);
            }
        } finally {
            runtime.stop();
        }
    }
}
