package dev.headroom.agent.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's first pass, before any application exists: what it answers itself (help, version, completion,
 * usage errors, each in one line) and what it leaves to the application.
 */
class CommandLinesTest {

    private record Answer(OptionalInt exit, String out, String err) {
    }

    private static Answer answer(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        OptionalInt exit = CommandLines.answerBeforeStart(args, new PrintWriter(out), new PrintWriter(err));
        return new Answer(exit, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "sidecar", "controller", "simulate", "inspect", "evaluate", "capacity"})
    void everyCommandsHelpIsAnsweredWithoutTheApplicationAndWithoutAWarning(String command) {
        PrintStream stderr = System.err;
        ByteArrayOutputStream traced = new ByteArrayOutputStream();
        Answer a;
        try {
            // picocli's tracer writes its warnings (an unescaped % in a description) to System.err.
            System.setErr(new PrintStream(traced, true, StandardCharsets.UTF_8));
            a = answer(command, "--help");
        } finally {
            System.setErr(stderr);
        }
        assertThat(a.exit()).hasValue(0);
        assertThat(a.out()).startsWith("Usage: headroom " + command).contains("--help", "--version");
        assertThat(a.err()).isEmpty();
        assertThat(traced.toString(StandardCharsets.UTF_8)).as("picocli's warnings").isEmpty();
    }

    @Test
    void helpParagraphsAreWrappedOnceAtTheWidthNotWhereTheSourceBrokeThem() {
        String help = answer("evaluate", "--help").out();
        // One paragraph: the sentence runs on across the line break the source had after "an oracle,".
        assertThat(help.replaceAll("\\s+", " ")).contains("(60/70/80 %), queue only, KV only, Headroom and an oracle,"
                + " in virtual time;");
        assertThat(help).doesNotContain("%%");
        assertThat(help.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(200));
    }

    @Test
    void theVersionIsAnsweredWithoutTheApplication() {
        Answer a = answer("--version");
        assertThat(a.exit()).hasValue(0);
        assertThat(a.out()).startsWith("headroom ");
    }

    @Test
    void aMistakeInTheCommandLineIsOneLineNamingItAndExitStatus2() {
        Answer unknown = answer("sidecar", "--engine-urll", "http://127.0.0.1:8000/metrics");
        assertThat(unknown.exit()).hasValue(CommandLines.USAGE);
        assertThat(unknown.err().lines().toList()).hasSize(1).first().asString()
                .startsWith("headroom sidecar: ").contains("--engine-urll", "headroom sidecar --help")
                .doesNotContain("Usage:");
        assertThat(unknown.out()).isEmpty();

        Answer badValue = answer("demo", "--duration", "soon");
        assertThat(badValue.exit()).hasValue(CommandLines.USAGE);
        assertThat(badValue.err().lines().toList()).hasSize(1).first().asString().contains("--duration", "'soon'");

        Answer noCommand = answer();
        assertThat(noCommand.exit()).hasValue(CommandLines.USAGE);
        assertThat(noCommand.err().lines().toList()).hasSize(1).first().asString()
                .contains("demo", "sidecar", "evaluate").doesNotContain(CommandLines.COMPLETION);

        Answer unknownCommand = answer("serve");
        assertThat(unknownCommand.exit()).hasValue(CommandLines.USAGE);
        assertThat(unknownCommand.err().lines().toList()).hasSize(1).first().asString().contains("serve");
    }

    @Test
    void aCommandThatParsedIsLeftToTheApplication() {
        assertThat(answer("sidecar", "--engine-url", "http://127.0.0.1:8000/metrics").exit()).isEmpty();
        assertThat(answer("inspect", "metrics.prom", "--output", "json").exit()).isEmpty();
        assertThat(answer("demo").exit()).isEmpty();
    }

    @Test
    void theCompletionScriptCompletesCommandsAndTheirOptions() {
        Answer a = answer(CommandLines.COMPLETION);
        assertThat(a.exit()).hasValue(0);
        assertThat(a.out()).contains("complete -F", "headroom", "sidecar", "--engine-url", "--scrape-interval",
                "evaluate", "--report-dir");
        assertThat(answer("--help").out()).contains(CommandLines.COMPLETION, "bash/zsh completion");
    }

    @Test
    void aFailureWhileRunningIsOneLineWithExitStatus1AndNoUsage() throws Exception {
        StringWriter err = new StringWriter();
        picocli.CommandLine cl = CommandLines.create(picocli.CommandLine.defaultFactory());
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        // The handler the application's command line gives an exception a command throws while running.
        int exit = CommandLines.ONE_LINE_FAILURE.handleExecutionException(
                new IllegalStateException("could not write the report into /nope: Permission denied",
                        new java.io.IOException("Permission denied")), cl.getSubcommands().get("evaluate"), null);
        assertThat(exit).isEqualTo(CommandLines.FAILURE);
        assertThat(err.toString().lines().toList())
                .containsExactly("headroom evaluate: could not write the report into /nope: Permission denied");
    }

    @Test
    void theLaunchedProgramAnswersHelpWithoutStartingQuarkusOrBindingItsPort() throws Exception {
        // The real entry point in a fresh JVM, with Quarkus' port taken: a server start would fail on it.
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process p = new ProcessBuilder(List.of(java.toString(), "-Dquarkus.http.port=" + taken.getLocalPort(),
                    "-cp", System.getProperty("java.class.path"), HeadroomMain.class.getName(), "sidecar", "--help"))
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(output).isZero();
            assertThat(output).startsWith("Usage: headroom sidecar").contains("--engine-url")
                    .doesNotContain("Quarkus", "Address already in use", "started in");
        }
    }
}
