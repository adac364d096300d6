///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
// The module classes (io.nokv:nokv-node) come from the catalog alias's dependencies, or from
// ./jbang's --cp when run from a checkout (docs/launcher.md).

/**
 * The store binary: `jbang nokv@nokv serve|regions|stats|manifest|vlog ...`. All flags are nokv's;
 * `--help` lists the subcommands.
 */
public class Nokv {
    public static void main(String[] args) {
        io.nokv.node.cli.Nokv.main(args);
    }
}
