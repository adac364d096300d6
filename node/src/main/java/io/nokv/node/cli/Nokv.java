package io.nokv.node.cli;

import picocli.CommandLine;

import java.io.PrintStream;
import java.util.List;
import java.util.function.Supplier;

/** Entry point of the {@code nokv} binary. */
public final class Nokv {
    /**
     * Every {@code nokv} subcommand, in usage order. ADD NEW SUBCOMMANDS HERE (each a picocli
     * {@code @Command} class): {@code serve} (raft/kv), {@code stats}, {@code manifest}, {@code vlog}.
     */
    static final List<Supplier<Object>> SUBCOMMANDS = List.of(
            RegionsCommand::new,
            ServeCommand::new,
            StatsCommand::new,
            ManifestCommand::new,
            VlogCommand::new
    );

    private Nokv() {
    }

    public static void main(String[] args) {
        quietLogging(args);
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Ratis logs every reconnect and leader change at INFO/WARN; a store's console shows only
     * errors unless {@code --raft-debug-log}. Must run before the first logger is created.
     */
    static void quietLogging(String[] args) {
        boolean debug = java.util.Arrays.asList(args).contains("--raft-debug-log");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.ratis", debug ? "debug" : "error");
        System.setProperty("org.slf4j.simpleLogger.log.io.grpc", debug ? "info" : "error");
    }

    /** Runs the command in this JVM and returns its exit code (for tests and embedding). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine line = new CommandLine(new NokvCommand());
        for (Supplier<Object> sub : SUBCOMMANDS) {
            line.addSubcommand(sub.get());
        }
        return Cli.execute(line, args, out, err);
    }
}
