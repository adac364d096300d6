import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * How every helper script runs its picocli command: {@code --help} and usage errors as picocli
 * does them (exit 2 for bad flags), a ScriptFailure or any other failure as one line
 * {@code <script>: <reason>} on stderr with exit code 1.
 */
public final class ScriptMain {
    private ScriptMain() {
    }

    public static void exit(Callable<Integer> command, String[] args) {
        CommandLine line = new CommandLine(command);
        String name = line.getCommandName();
        line.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            String message = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            err.println(name + ": " + (ex instanceof ScriptFailure ? message : message.lines().findFirst().orElse(message)));
            err.flush();
            return 1;
        });
        System.exit(line.execute(args));
    }
}
