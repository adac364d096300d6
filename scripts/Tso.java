///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES ../lib/ScriptFailure.java
//SOURCES ../lib/NokvCheckout.java
//SOURCES ../lib/ModuleBuild.java
//SOURCES ../lib/ModuleLauncher.java

/**
 * The timestamp oracle helper: `jbang tso@nokv --addr 0.0.0.0:9494 --start 100` (the Go original's
 * `go run ./scripts/tso`). All flags are nokv-tso's; `--help` lists them.
 */
public class Tso {
    public static void main(String[] args) {
        ModuleLauncher.runOrExit(ModuleLauncher.Binary.NOKV_TSO, args);
    }
}
