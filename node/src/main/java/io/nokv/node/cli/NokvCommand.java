package io.nokv.node.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code nokv}: the store process and its offline tools. Subcommands are registered in {@link Nokv#SUBCOMMANDS}. */
@Command(name = "nokv", mixinStandardHelpOptions = true,
        description = "NoKV store: serve a store, inspect store directories.")
public final class NokvCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** No subcommand: usage on stdout and exit 1, as the Go tool. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 1;
    }
}
