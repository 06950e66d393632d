package dev.headroom.agent.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;
import java.util.List;
import java.util.OptionalInt;

/**
 * The launcher's command line, set up once for both of its passes, and the first pass itself.
 *
 * <p>{@link #answerBeforeStart} parses the arguments with commands made by picocli's own factory, before Quarkus
 * exists: help, the version, the completion script and every usage error picocli finds while parsing are answered
 * there, so that {@code headroom sidecar --help} starts no server and binds no port. Only a command line that
 * parsed and asks for real work starts the application, which parses it again with its CDI factory and runs it.
 *
 * <p>Errors are one line on stderr, {@code headroom <command>: <what is wrong>}, never the whole usage and never a
 * stack trace: exit status {@value #USAGE} for a mistake in the command line (picocli's, or one a command finds in
 * its options), {@value #FAILURE} for a failure while running.
 */
public final class CommandLines {

    /** Exit status of a usage error. */
    public static final int USAGE = CommandLine.ExitCode.USAGE;
    /** Exit status of a failure at run time. */
    public static final int FAILURE = CommandLine.ExitCode.SOFTWARE;
    /** The subcommand that prints the bash and zsh completion script. */
    public static final String COMPLETION = "completion";

    private CommandLines() {
    }

    /**
     * The launcher's command line over {@code factory}'s commands: the completion subcommand, help that takes the
     * terminal's width, and the one-line error handlers.
     */
    public static CommandLine create(CommandLine.IFactory factory) {
        CommandLine cl = new CommandLine(HeadroomCommand.class, factory);
        AutoComplete.GenerateCompletion completion = new AutoComplete.GenerateCompletion();
        CommandLine completionLine = new CommandLine(completion);
        completionLine.getCommandSpec().usageMessage().hidden(false).description(
                "Print a bash/zsh completion script for headroom: source <(headroom completion)");
        cl.addSubcommand(COMPLETION, completionLine);
        cl.setUsageHelpAutoWidth(true);
        cl.setUsageHelpLongOptionsMaxWidth(32);
        cl.setParameterExceptionHandler(ONE_LINE_USAGE_ERROR);
        cl.setExecutionExceptionHandler(ONE_LINE_FAILURE);
        return cl;
    }

    /**
     * The first pass: answers what needs no application and returns its exit status, or empty when the command
     * line asks for work and the application must start.
     */
    public static OptionalInt answerBeforeStart(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = create(CommandLine.defaultFactory());
        cl.setOut(out);
        cl.setErr(err);
        try {
            ParseResult parsed;
            try {
                parsed = cl.parseArgs(args);
            } catch (ParameterException e) {
                return OptionalInt.of(usageError(e));
            } catch (Exception e) {
                err.println("headroom: " + oneLine(e));
                return OptionalInt.of(USAGE);
            }
            if (CommandLine.printHelpIfRequested(parsed)) {
                return OptionalInt.of(CommandLine.ExitCode.OK);
            }
            if (!parsed.hasSubcommand()) {
                err.println("headroom: name a command: " + String.join(", ", commands(cl))
                        + " (headroom --help says what each does)");
                return OptionalInt.of(USAGE);
            }
            if (parsed.subcommand().commandSpec().name().equals(COMPLETION)) {
                return OptionalInt.of(cl.execute(args));
            }
            return OptionalInt.empty();
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static List<String> commands(CommandLine cl) {
        return cl.getSubcommands().keySet().stream().filter(name -> !name.equals(COMPLETION)).toList();
    }

    /** A usage error: one line naming the command and the mistake, and where the options are listed. */
    static final IParameterExceptionHandler ONE_LINE_USAGE_ERROR = (e, args) -> usageError(e);

    private static int usageError(ParameterException e) {
        CommandLine cl = e.getCommandLine();
        cl.getErr().printf("%s: %s (see %s --help)%n", qualifiedName(cl), oneLine(e), qualifiedName(cl));
        cl.getErr().flush();
        return USAGE;
    }

    /** A failure while running: one line, the command and what went wrong, without the usage or a stack trace. */
    static final IExecutionExceptionHandler ONE_LINE_FAILURE = (e, cl, parsed) -> {
        cl.getErr().printf("%s: %s%n", qualifiedName(cl), oneLine(e));
        cl.getErr().flush();
        return FAILURE;
    };

    private static String qualifiedName(CommandLine cl) {
        return cl.getCommandSpec().qualifiedName(" ");
    }

    /**
     * A throwable's message on one line; where it has none (or only repeats its cause's class), its cause's,
     * down to the first that says something.
     */
    static String oneLine(Throwable e) {
        Throwable t = e;
        while (t != null) {
            String m = t.getMessage();
            boolean meaningful = m != null && !m.isBlank()
                    && (t.getCause() == null || !m.equals(t.getCause().toString()));
            if (meaningful) {
                return m.strip().replaceAll("\\s*\\R\\s*", " ");
            }
            if (t.getCause() == null || t.getCause() == t) {
                return t.getClass().getSimpleName();
            }
            t = t.getCause();
        }
        return "failed";
    }
}
