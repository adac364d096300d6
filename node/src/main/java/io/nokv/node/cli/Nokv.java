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
            StatsCommand::new,
            ManifestCommand::new,
            VlogCommand::new
            // serve: added by its owner
    );

    private Nokv() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
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
