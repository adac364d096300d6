package io.nokv.redis.commands;

import io.netty.handler.codec.redis.RedisMessage;
import io.nokv.redis.keyspace.StoredValue;
import io.nokv.redis.protocol.Replies;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * INCR DECR INCRBY DECRBY INCRBYFLOAT: each one transaction (read, add, write), so concurrent
 * increments from any number of connections never lose one. The key's TTL is kept.
 */
final class CounterCommands {
    private CounterCommands() {
    }

    static void register(CommandTable t) {
        t.add("incr", 2, "write denyoom fast", 1, 1, 1, c -> incrBy(c, 1));
        t.add("decr", 2, "write denyoom fast", 1, 1, 1, c -> incrBy(c, -1));
        t.add("incrby", 3, "write denyoom fast", 1, 1, 1, c -> incrBy(c, c.longArg(2)));
        t.add("decrby", 3, "write denyoom fast", 1, 1, 1, CounterCommands::decrBy);
        t.add("incrbyfloat", 3, "write denyoom fast", 1, 1, 1, CounterCommands::incrByFloat);
    }

    private static RedisMessage decrBy(Call c) {
        long by = c.longArg(2);
        if (by == Long.MIN_VALUE) {
            throw new RedisError("ERR decrement would overflow");
        }
        return incrBy(c, -by);
    }

    private static RedisMessage incrBy(Call c, long by) {
        byte[] key = c.arg(1);
        return c.keyspace().update(key, txn -> {
            StoredValue old = StringCommands.string(txn.get(key));
            long current = 0;
            if (old != null) {
                Long parsed = Numbers.parseLong(old.bytes());
                if (parsed == null) {
                    throw new RedisError(RedisError.NOT_INTEGER);
                }
                current = parsed;
            }
            long next;
            try {
                next = Math.addExact(current, by);
            } catch (ArithmeticException e) {
                throw new RedisError("ERR increment or decrement would overflow");
            }
            byte[] text = Numbers.ascii(next);
            txn.put(key, old == null ? StoredValue.of(text, 0) : old.withBytes(text));
            return Replies.integer(next);
        });
    }

    private static RedisMessage incrByFloat(Call c) {
        BigDecimal by = Numbers.parseDecimal(c.arg(2));
        if (by == null) {
            throw new RedisError(RedisError.NOT_FLOAT);
        }
        byte[] key = c.arg(1);
        return c.keyspace().update(key, txn -> {
            StoredValue old = StringCommands.string(txn.get(key));
            BigDecimal current = BigDecimal.ZERO;
            if (old != null) {
                current = Numbers.parseDecimal(old.bytes());
                if (current == null) {
                    throw new RedisError(RedisError.NOT_FLOAT);
                }
            }
            BigDecimal sum = current.add(by);
            if (Math.abs(sum.doubleValue()) == Double.POSITIVE_INFINITY) {
                throw new RedisError("ERR increment would produce NaN or Infinity");
            }
            byte[] text = Numbers.formatDecimal(sum).getBytes(StandardCharsets.ISO_8859_1);
            txn.put(key, old == null ? StoredValue.of(text, 0) : old.withBytes(text));
            return Replies.bulk(text);
        });
    }
}
