package dev.headroom.agent.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

/** The one launcher: {@code ./headroom <command>}. */
@TopCommand
@Command(name = "headroom", mixinStandardHelpOptions = true, versionProvider = HeadroomCommand.Version.class,
        description = "Saturation signals and autoscaling for self-hosted LLM inference engines.",
        subcommands = {DemoCommand.class, SidecarCommand.class, ControllerCommand.class, SimulateCommand.class,
                InspectCommand.class, EvaluateCommand.class, CapacityCommand.class})
public class HeadroomCommand {

    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = HeadroomCommand.class.getPackage().getImplementationVersion();
            return new String[] {"headroom " + (v == null ? "development build" : v)};
        }
    }
}
