package io.nokv.redis.commands;

import io.netty.handler.codec.redis.RedisMessage;
import io.nokv.redis.keyspace.StoredValue;
import io.nokv.redis.protocol.Replies;

import java.nio.charset.StandardCharsets;

/**
 * EXPIRE PEXPIRE EXPIREAT PEXPIREAT (with NX XX GT LT) TTL PTTL PERSIST. Expiries are kept in
 * milliseconds with the value; a time at or before now deletes the key, as in redis-server.
 */
final class ExpiryCommands {
    private ExpiryCommands() {
    }

    static void register(CommandTable t) {
        t.add("expire", -3, "write fast", 1, 1, 1, c -> expire(c, ExpiryTime.Unit.SECONDS));
        t.add("pexpire", -3, "write fast", 1, 1, 1, c -> expire(c, ExpiryTime.Unit.MILLISECONDS));
        t.add("expireat", -3, "write fast", 1, 1, 1, c -> expire(c, ExpiryTime.Unit.UNIX_SECONDS));
        t.add("pexpireat", -3, "write fast", 1, 1, 1, c -> expire(c, ExpiryTime.Unit.UNIX_MILLISECONDS));
        t.add("ttl", 2, "readonly fast", 1, 1, 1, c -> ttl(c, false));
        t.add("pttl", 2, "readonly fast", 1, 1, 1, c -> ttl(c, true));
        t.add("persist", 2, "write fast", 1, 1, 1, ExpiryCommands::persist);
    }

    private static RedisMessage expire(Call c, ExpiryTime.Unit unit) {
        long amount = c.longArg(2);
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        for (int i = 3; i < c.argc(); i++) {
            switch (c.option(i)) {
                case "NX" -> nx = true;
                case "XX" -> xx = true;
                case "GT" -> gt = true;
                case "LT" -> lt = true;
                default -> throw new RedisError("ERR Unsupported option " + new String(c.arg(i), StandardCharsets.ISO_8859_1));
            }
        }
        if (nx && (xx || gt || lt)) {
            throw new RedisError("ERR NX and XX, GT or LT options at the same time are not compatible");
        }
        if (gt && lt) {
            throw new RedisError("ERR GT and LT options at the same time are not compatible");
        }
        long at = ExpiryTime.absolute(amount, unit, c.keyspace().now(), c.name());
        boolean onlyNew = nx;
        boolean onlyExisting = xx;
        boolean onlyLater = gt;
        boolean onlyEarlier = lt;
        return c.keyspace().update(c.arg(1), txn -> {
            StoredValue v = txn.get(c.arg(1));
            if (v == null) {
                return Replies.ZERO;
            }
            // no expiry counts as an infinite one for GT and LT
            if ((onlyNew && v.hasExpiry()) || (onlyExisting && !v.hasExpiry())
                    || (onlyLater && (!v.hasExpiry() || at <= v.expiresAtMs()))
                    || (onlyEarlier && v.hasExpiry() && at >= v.expiresAtMs())) {
                return Replies.ZERO;
            }
            if (at <= txn.now()) {
                txn.delete(c.arg(1));
            } else {
                txn.put(c.arg(1), v.withExpiry(at));
            }
            return Replies.ONE;
        });
    }

    private static RedisMessage ttl(Call c, boolean millis) {
        long now = c.keyspace().now();
        StoredValue v = c.keyspace().get(c.arg(1));
        if (v == null) {
            return Replies.integer(-2);
        }
        if (!v.hasExpiry()) {
            return Replies.integer(-1);
        }
        long left = Math.max(0, v.expiresAtMs() - now);
        return Replies.integer(millis ? left : (left + 500) / 1000);
    }

    private static RedisMessage persist(Call c) {
        return c.keyspace().update(c.arg(1), txn -> {
            StoredValue v = txn.get(c.arg(1));
            if (v == null || !v.hasExpiry()) {
                return Replies.ZERO;
            }
            txn.put(c.arg(1), v.withExpiry(0));
            return Replies.ONE;
        });
    }
}
