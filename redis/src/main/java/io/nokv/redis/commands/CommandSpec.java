package io.nokv.redis.commands;

import java.util.List;

/**
 * One command: its name, arity in redis-server's convention (N = exactly N arguments including
 * the name, -N = at least N), flags and key positions (what COMMAND reports), and its handler.
 */
public record CommandSpec(String name, int arity, List<String> flags, int firstKey, int lastKey, int step, Handler handler) {
    @FunctionalInterface
    public interface Handler {
        io.netty.handler.codec.redis.RedisMessage run(Call call);
    }

    public boolean arityAccepts(int argc) {
        return arity >= 0 ? argc == arity : argc >= -arity;
    }

    /** Commands a client may send before AUTH. */
    public boolean allowedWithoutAuth() {
        return flags.contains("no-auth");
    }
}
