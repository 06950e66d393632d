package dev.headroom.agent.cli;

import picocli.CommandLine.Command;

@Command(name = "probe")
public class ProbeCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("probe ran");
    }
}
