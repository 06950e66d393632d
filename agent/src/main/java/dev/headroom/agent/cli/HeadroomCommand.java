package dev.headroom.agent.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

@TopCommand
@Command(name = "headroom", mixinStandardHelpOptions = true, subcommands = {ProbeCommand.class})
public class HeadroomCommand {
}
