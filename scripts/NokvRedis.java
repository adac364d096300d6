///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
// The module classes (io.nokv:nokv-redis) come from the catalog alias's dependencies, or from
// ./jbang's --cp when run from a checkout (docs/launcher.md).

/**
 * The Redis gateway binary: `jbang nokv-redis@nokv --workdir /tmp/r`, then
 * `redis-cli -p 6380 SET a 1 NX`. All flags are nokv-redis's; `--help` lists them.
 */
public class NokvRedis {
    public static void main(String[] args) {
        io.nokv.redis.NokvRedis.main(args);
    }
}
