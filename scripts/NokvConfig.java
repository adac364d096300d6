///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
// The module classes (io.nokv:nokv-node) come from the catalog alias's dependencies, or from
// ./jbang's --cp when run from a checkout (docs/launcher.md).

/**
 * The cluster-config tool: `jbang nokv-config@nokv regions --format simple` (the Go original's
 * `nokv-config`). All flags are nokv-config's; `--help` lists them.
 */
public class NokvConfig {
    public static void main(String[] args) {
        io.nokv.node.cli.NokvConfig.main(args);
    }
}
