package dev.headroom.agent.logging;

import dev.headroom.agent.sidecar.SidecarConfig;
import dev.headroom.agent.sidecar.SidecarRuntime;
import dev.headroom.agent.sidecar.SidecarSettings;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * By default the agent writes plain lines that carry a full date and offset (a pod's log outlives the day it was
 * written), through the pattern formatter: the JSON log extension formats nothing unless switched on.
 */
@QuarkusTest
class PlainLogsTest {

    @Inject
    SidecarRuntime sidecar;

    @Inject
    SidecarConfig config;

    @Test
    void aLogLineCarriesItsDateAndIsFormattedByThePatternNotAsJson() {
        URI engine = URI.create("http://127.0.0.1:9/metrics");
        List<String> lines = ConsoleLines.during(() -> sidecar.start(SidecarSettings.from(config, engine)));

        assertThat(lines).anySatisfy(l -> assertThat(l).matches(
                "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) INFO  \\[SidecarRuntime] watching "
                        + "http://127\\.0\\.0\\.1:9/metrics every .*"));
        // JSON off: the console formats with the pattern of application.properties, no JSON formatter exists (the
        // extension's recorder hands back none), so no JSON generator is ever created.
        assertThat(ConsoleLines.consoleHandler().getFormatter()).isInstanceOf(PatternFormatter.class);
    }
}
