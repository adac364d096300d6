package io.nokv.redis.commands;

/**
 * A command's error reply. The message is the whole reply text, starting with its code, exactly as
 * redis-server words it ({@code ERR syntax error}, {@code WRONGTYPE Operation against ...}).
 */
public final class RedisError extends RuntimeException {
    public static final String WRONG_TYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public static final String SYNTAX = "ERR syntax error";
    public static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    public static final String NOT_FLOAT = "ERR value is not a valid float";
    public static final String NO_SUCH_KEY = "ERR no such key";

    public RedisError(String reply) {
        super(reply, null, false, false);
    }

    public static RedisError syntax() {
        return new RedisError(SYNTAX);
    }

    public static RedisError wrongType() {
        return new RedisError(WRONG_TYPE);
    }

    public static RedisError arity(String command) {
        return new RedisError("ERR wrong number of arguments for '" + command + "' command");
    }

    public static RedisError invalidExpire(String command) {
        return new RedisError("ERR invalid expire time in '" + command + "' command");
    }
}
