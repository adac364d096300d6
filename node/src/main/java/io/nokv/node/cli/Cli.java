package io.nokv.node.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * What every NoKV command line shares: bad flags exit 2 with usage (picocli's default); any
 * failure while running exits 1 with one line {@code <command> <sub>: <reason>} on stderr.
 * The binaries and the helper scripts ({@code scripts/*.java}) all run through it.
 */
public final class Cli {
    static final ObjectMapper JSON = new ObjectMapper();

    private Cli() {
    }

    /** Runs the picocli {@code command} on {@code args} with the standard streams and exits the JVM with its code. */
    public static void exit(Object command, String[] args) {
        System.exit(execute(new CommandLine(command), args, System.out, System.err));
    }

    /** Runs {@code line} on {@code args} with the given streams and returns the exit code. */
    static int execute(CommandLine line, String[] args, PrintStream out, PrintStream err) {
        PrintWriter outWriter = new PrintWriter(out, true, StandardCharsets.UTF_8);
        PrintWriter errWriter = new PrintWriter(err, true, StandardCharsets.UTF_8);
        line.setOut(outWriter);
        line.setErr(errWriter);
        line.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            errWriter.println(cmd.getCommandSpec().qualifiedName() + ": " + oneLine(ex));
            errWriter.flush();
            return 1;
        });
        int code = line.execute(args);
        outWriter.flush();
        errWriter.flush();
        return code;
    }

    static String oneLine(Throwable ex) {
        String message = ex.getMessage();
        if (message == null || message.isBlank()) {
            return ex.getClass().getSimpleName();
        }
        return message.lines().findFirst().orElse(message);
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON: " + e.getMessage(), e);
        }
    }

    /** A key inside double quotes, with {@code "} and {@code \} escaped. */
    static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
