package dev.headroom.agent;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code headroom controller} as a user meets it: help, and mistakes answered in one clear line, not a stack trace. */
@QuarkusMainTest
class ControllerCommandTest {

    @Test
    void helpSaysWhatItDoesAndHowItIsConfigured(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("controller", "--help");
        assertThat(result.exitCode()).isZero();
        assertThat(result.getOutput()).contains("HeadroomPolicy", "Direct", "DryRun", "ExternalMetrics", "KEDA", "/v1/decisions",
                "HEADROOM_CONTROLLER_");
    }

    @Test
    void anUnknownOptionIsAUsageError(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("controller", "--namespace-of-doom", "llm");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.getErrorOutput()).contains("--namespace-of-doom").doesNotContain("at dev.headroom");
    }

    @Test
    void noClusterToTalkToIsOneClearLine(QuarkusMainLauncher launcher) throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        // fabric8 reads these at client creation: a master nobody listens on, and no kubeconfig or account.
        System.setProperty("kubernetes.master", "http://127.0.0.1:" + closed);
        System.setProperty("kubernetes.auth.tryKubeConfig", "false");
        System.setProperty("kubernetes.auth.tryServiceAccount", "false");
        try {
            LaunchResult result = launcher.launch("controller");
            assertThat(result.exitCode()).as("a failure to run, not a usage error").isEqualTo(1);
            assertThat(result.getErrorOutput().strip()).as("one line").doesNotContain("\n", "Usage:")
                    .startsWith("headroom controller: ")
                    .contains("127.0.0.1:" + closed, "cannot reach the Kubernetes API", "KUBECONFIG")
                    .doesNotContain("at io.fabric8").doesNotContain("at dev.headroom");
        } finally {
            System.clearProperty("kubernetes.master");
            System.clearProperty("kubernetes.auth.tryKubeConfig");
            System.clearProperty("kubernetes.auth.tryServiceAccount");
        }
    }
}
