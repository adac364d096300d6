package io.nokv.node.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options every offline inspector takes: which store directory, and JSON or text. */
final class StoreDirOptions {
    @Option(names = "--workdir", required = true, paramLabel = "DIR", description = "Store directory.")
    Path workdir;

    @Option(names = "--json", description = "Print JSON instead of text (format: docs/cli.md).")
    boolean json;
}
