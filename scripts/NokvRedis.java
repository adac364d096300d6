///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES ../lib/ScriptFailure.java
//SOURCES ../lib/NokvCheckout.java
//SOURCES ../lib/ModuleBuild.java
//SOURCES ../lib/ModuleLauncher.java

/**
 * The Redis gateway binary: `jbang nokv-redis@nokv --workdir /tmp/r`, then
 * `redis-cli -p 6380 SET a 1 NX`. All flags are nokv-redis's; `--help` lists them.
 */
public class NokvRedis {
    public static void main(String[] args) {
        ModuleLauncher.runOrExit(ModuleLauncher.Binary.NOKV_REDIS, args);
    }
}
