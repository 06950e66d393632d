package dev.headroom.agent.logging;

import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.handlers.ConsoleHandler;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Handler;

/**
 * The lines the running application's own console handler writes, as a container's log would get them: its
 * output stream is pointed at a buffer while {@code action} runs, then back at stderr.
 */
final class ConsoleLines {

    private ConsoleLines() {
    }

    static ConsoleHandler consoleHandler() {
        ConsoleHandler found = find(LogContext.getLogContext().getLogger("").getHandlers());
        if (found == null) {
            throw new AssertionError("no console handler installed");
        }
        return found;
    }

    static List<String> during(Runnable action) {
        ConsoleHandler console = consoleHandler();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        console.setOutputStream(buffer);
        try {
            action.run();
            console.flush();
        } finally {
            // Where application.properties sends it (quarkus.log.console.stderr=true).
            console.setTarget(ConsoleHandler.Target.SYSTEM_ERR);
        }
        return buffer.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static ConsoleHandler find(Handler[] handlers) {
        for (Handler h : handlers) {
            if (h instanceof ConsoleHandler c) {
                return c;
            }
            if (h instanceof ExtHandler e) {
                ConsoleHandler inner = find(e.getHandlers());
                if (inner != null) {
                    return inner;
                }
            }
        }
        return null;
    }
}
