///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES ../lib/ScriptFailure.java
//SOURCES ../lib/NokvCheckout.java
//SOURCES ../lib/ModuleBuild.java
//SOURCES ../lib/ModuleLauncher.java

/**
 * The store binary: `jbang nokv@nokv regions --workdir DIR [--json]`. All flags are nokv's;
 * `--help` lists the subcommands.
 */
public class Nokv {
    public static void main(String[] args) {
        ModuleLauncher.runOrExit(ModuleLauncher.Binary.NOKV, args);
    }
}
