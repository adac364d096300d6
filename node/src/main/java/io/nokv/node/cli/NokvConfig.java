package io.nokv.node.cli;

import picocli.CommandLine;

import java.io.PrintStream;

/** Entry point of the {@code nokv-config} binary. */
public final class NokvConfig {
    private NokvConfig() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command in this JVM and returns its exit code (for tests and embedding). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.execute(new CommandLine(new NokvConfigCommand()), args, out, err);
    }
}
