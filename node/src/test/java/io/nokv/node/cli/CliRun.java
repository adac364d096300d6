package io.nokv.node.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs a command line in this JVM and captures what it prints. */
record CliRun(int code, String out, String err) {
    interface Main {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    static CliRun of(Main main, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static CliRun config(String... args) {
        return of(NokvConfig::run, args);
    }

    static CliRun nokv(String... args) {
        return of(Nokv::run, args);
    }
}
