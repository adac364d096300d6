///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
// The module classes (io.nokv:nokv-tso) come from the catalog alias's dependencies, or from
// ./jbang's --cp when run from a checkout (docs/launcher.md).

import io.nokv.tso.TsoServer;

/**
 * The timestamp oracle helper: `jbang tso@nokv --addr 0.0.0.0:9494 --start 100` (the Go original's
 * `go run ./scripts/tso`). All flags are nokv-tso's; `--help` lists them.
 */
public class Tso {
    public static void main(String[] args) {
        TsoServer.main(args);
    }
}
