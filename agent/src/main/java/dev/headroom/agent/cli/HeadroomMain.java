package dev.headroom.agent.cli;

import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.OptionalInt;
import java.util.function.BiConsumer;

/**
 * The launcher's entry point: the command line is parsed first without Quarkus ({@link CommandLines#answerBeforeStart}),
 * so that help, the version, completion and usage errors answer at once and bind nothing; only a command that runs
 * starts the application, which then runs it with its beans.
 */
@QuarkusMain
public class HeadroomMain implements QuarkusApplication {

    @Inject
    CommandLine.IFactory factory;

    public static void main(String... args) {
        Charset charset = Charset.defaultCharset();
        OptionalInt answered = CommandLines.answerBeforeStart(args, new PrintWriter(System.out, true, charset),
                new PrintWriter(System.err, true, charset));
        if (answered.isPresent()) {
            // Quarkus' exit handler: System.exit in a launched application, the caller's in a launcher test.
            BiConsumer<Integer, Throwable> exit = ApplicationLifecycleManager.getDefaultExitCodeHandler();
            if (exit == null) {
                System.exit(answered.getAsInt());
            }
            exit.accept(answered.getAsInt(), null);
            return;
        }
        Quarkus.run(HeadroomMain.class, args);
    }

    @Override
    public int run(String... args) {
        return CommandLines.create(factory).execute(args);
    }
}
