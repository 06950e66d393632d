package dev.headroom.signals.monitor;

import dev.headroom.signals.SampleWindow;
import dev.headroom.signals.Signal;
import dev.headroom.signals.Signals;
import dev.headroom.signals.WindowConfig;
import dev.headroom.collectors.engine.VllmDialect;
import dev.headroom.collectors.exposition.ExpositionFormat;
import dev.headroom.collectors.exposition.ExpositionParser;
import dev.headroom.simulator.EngineConfig;
import dev.headroom.simulator.EngineModel;
import dev.headroom.simulator.LengthRange;
import dev.headroom.simulator.SimRequest;
import dev.headroom.simulator.VllmMetricsRenderer;
import dev.headroom.simulator.Workload;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The arrival rate through the real data path, in virtual time: the simulated engine renders vLLM V1's
 * exposition once a second, {@link VllmDialect} reads it, {@link SampleWindow} derives the signals. Offered
 * twice what the demo engine can serve, the finished rate stays at capacity while the arrival rate reports
 * the offered load.
 */
class ArrivalsUnderOverloadTest {

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    /** The demo engine saturates near 4 req/s with these lengths (EngineConfig.demo()); this is twice that. */
    private static final double OFFERED_PER_SECOND = 8.0;
    private static final int RUN_SECONDS = 180;
    private static final int SPAN_SECONDS = 120;

    @Test
    void arrivalsFollowTheOfferedLoadWhileFinishedRequestsSaturate() throws Exception {
        List<SimRequest> requests = Workload.poisson(OFFERED_PER_SECOND, RUN_SECONDS,
                new LengthRange(128, 512), new LengthRange(64, 256), 42);
        SampleWindow window = new SampleWindow(new WindowConfig(128, Duration.ofSeconds(SPAN_SECONDS),
                Duration.ofSeconds(3)));
        runAndScrape(requests, window);

        Signals signals = window.signals(T0.plusSeconds(RUN_SECONDS));
        assertThat(signals.samples()).isEqualTo(SPAN_SECONDS + 1);
        double arrivals = signals.get(Signal.ARRIVALS_PS).orElseThrow();
        double finished = signals.get(Signal.REQUESTS_PS).orElseThrow();

        // Conservation is exact: every request that arrived in (t − span, t] has finished or is running or waiting.
        long arrivedInWindow = requests.stream().filter(r -> r.arrivalSeconds() > RUN_SECONDS - SPAN_SECONDS
                && r.arrivalSeconds() <= RUN_SECONDS).count();
        assertThat(arrivals).isCloseTo((double) arrivedInWindow / SPAN_SECONDS, within(1e-9));
        // And so close to the offered rate: a Poisson count over 120 s at 8/s has a standard deviation of
        // sqrt(960) ≈ 31 requests, 0.26/s; three of them is ±0.78/s.
        assertThat(arrivals).isCloseTo(OFFERED_PER_SECOND, within(0.78));
        // Overloaded: the engine finishes about what it can serve, far below what arrives.
        assertThat(finished).isLessThan(0.75 * OFFERED_PER_SECOND).isPositive();
        assertThat(signals.get(Signal.QUEUE).orElseThrow()).isGreaterThan(100);
        // The mean time per output token is known, and below the per-token p95 with its prefill-heavy steps.
        assertThat(signals.get(Signal.ITL_MEAN).orElseThrow()).isPositive()
                .isLessThan(signals.get(Signal.ITL_P95).orElseThrow());
    }

    /**
     * Runs the engine over the requests event by event (arrival, step end, scrape, in time order) and adds a
     * sample at each whole second up to {@link #RUN_SECONDS}, rendered and parsed as a real scrape would be.
     */
    private static void runAndScrape(List<SimRequest> requests, SampleWindow window) throws Exception {
        EngineModel model = new EngineModel(EngineConfig.demo());
        VllmDialect dialect = new VllmDialect();
        ExpositionParser parser = new ExpositionParser();
        int next = 0;
        int scrape = 0;
        while (scrape <= RUN_SECONDS) {
            double stepEnd = model.stepInFlight() ? model.stepEndSeconds() : Double.POSITIVE_INFINITY;
            double arrival = next < requests.size() ? requests.get(next).arrivalSeconds() : Double.POSITIVE_INFINITY;
            if (stepEnd <= arrival && stepEnd <= scrape) {
                model.finishStep();
                model.schedule(stepEnd);
            } else if (arrival <= scrape) {
                model.submit(requests.get(next++));
                if (!model.stepInFlight()) {
                    model.schedule(arrival);
                }
            } else {
                byte[] body = VllmMetricsRenderer.render(model, 0).getBytes(StandardCharsets.UTF_8);
                var exposition = parser.parse(body, ExpositionFormat.PROMETHEUS_TEXT, dialect.families());
                window.add(dialect.read(exposition, T0.plusSeconds(scrape)).sample());
                scrape++;
            }
        }
    }
}
