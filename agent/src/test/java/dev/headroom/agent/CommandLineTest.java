package dev.headroom.agent;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher's commands as a user meets them: help, and mistakes answered with a usage error, not a stack trace. */
@QuarkusMainTest
class CommandLineTest {

    @Test
    void helpListsEveryCommand(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("--help");
        assertThat(result.exitCode()).isZero();
        assertThat(result.getOutput()).contains("demo", "sidecar", "simulate", "inspect");
    }

    @Test
    void aSidecarWithoutAnEngineSaysHowToNameOne(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("sidecar");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.getErrorOutput()).contains("--engine-url", "HEADROOM_SIDECAR_ENGINE_URL").doesNotContain("at dev.headroom");
    }

    @Test
    void aBadEngineUrlIsRejectedWithTheKey(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("sidecar", "--engine-url", "ftp://somewhere/metrics");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.getErrorOutput()).contains("headroom.sidecar.engine-url", "ftp://somewhere/metrics");
        // A port no socket can have: refused at the start, not warned about at every scrape.
        LaunchResult noSuchPort = launcher.launch("sidecar", "--engine-url", "http://127.0.0.1:99999/metrics");
        assertThat(noSuchPort.exitCode()).isEqualTo(2);
        assertThat(noSuchPort.getErrorOutput()).contains("headroom.sidecar.engine-url", "port up to 65535", ":99999");
    }

    @Test
    void aBadIntervalNamesTheOptionAndTheAcceptedForms(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("sidecar", "--engine-url", "http://127.0.0.1:1/metrics", "--interval", "soon");
        assertThat(result.exitCode()).isEqualTo(2);
        // --interval is an alias: the one line names the option by its name.
        assertThat(result.getErrorOutput()).contains("--scrape-interval", "500ms", "'soon'").doesNotContain("Usage:");
    }

    @Test
    void aBadScrapeIntervalNamesTheOptionAndTheAcceptedForms(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("sidecar", "--engine-url", "http://127.0.0.1:1/metrics",
                "--scrape-interval", "0s");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.getErrorOutput()).contains("--scrape-interval", "500ms", "'0s'").doesNotContain("at dev.headroom");
    }

    @Test
    void aBadDemoScrapeIntervalIsAUsageError(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("demo", "--scrape-interval", "never");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.getErrorOutput()).contains("--scrape-interval", "'never'");
    }

    @Test
    void anUnknownPresetListsTheKnownOnes(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("simulate", "--preset", "gpt-5");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.getErrorOutput()).contains("gpt-5", "demo", "llama-3.1-8b-h100");
    }

    @Test
    void aBadDemoDurationIsAUsageError(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("demo", "--duration", "-5s");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.getErrorOutput()).contains("--duration");
    }
}
