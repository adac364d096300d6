///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES ../lib/ScriptFailure.java
//SOURCES ../lib/NokvCheckout.java
//SOURCES ../lib/ModuleBuild.java
//SOURCES ../lib/ModuleLauncher.java

/**
 * The cluster-config tool: `jbang nokv-config@nokv regions --format simple` (the Go original's
 * `nokv-config`). All flags are nokv-config's; `--help` lists them.
 */
public class NokvConfig {
    public static void main(String[] args) {
        ModuleLauncher.runOrExit(ModuleLauncher.Binary.NOKV_CONFIG, args);
    }
}
