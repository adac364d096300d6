package io.nokv.redis.commands;

import io.netty.handler.codec.redis.RedisMessage;
import io.nokv.redis.keyspace.GlobPattern;
import io.nokv.redis.keyspace.Keyspace;
import io.nokv.redis.keyspace.StoredValue;
import io.nokv.redis.protocol.Replies;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** DEL UNLINK EXISTS TYPE KEYS SCAN RENAME RENAMENX: commands about keys, whatever they hold. */
final class KeyCommands {
    /** Keys examined per SCAN call unless COUNT says otherwise (redis-server's default). */
    static final int DEFAULT_SCAN_COUNT = 10;

    private KeyCommands() {
    }

    static void register(CommandTable t) {
        t.add("del", -2, "write", 1, -1, 1, KeyCommands::del);
        t.add("unlink", -2, "write fast", 1, -1, 1, KeyCommands::del);
        t.add("exists", -2, "readonly fast", 1, -1, 1, KeyCommands::exists);
        t.add("type", 2, "readonly fast", 1, 1, 1, KeyCommands::type);
        t.add("keys", 2, "readonly", 0, 0, 0, KeyCommands::keys);
        t.add("scan", -2, "readonly", 0, 0, 0, KeyCommands::scan);
        t.add("rename", 3, "write", 1, 2, 1, c -> rename(c, false));
        t.add("renamenx", 3, "write fast", 1, 2, 1, c -> rename(c, true));
    }

    private static RedisMessage del(Call c) {
        return c.keyspace().update(c.keys(1, 1), txn -> {
            long n = 0;
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int i = 1; i < c.argc(); i++) {
                byte[] key = c.arg(i);
                if (seen.add(new String(key, StandardCharsets.ISO_8859_1)) && txn.get(key) != null) {
                    txn.delete(key);
                    n++;
                }
            }
            return Replies.integer(n);
        });
    }

    private static RedisMessage exists(Call c) {
        return c.keyspace().read(view -> {
            long n = 0;
            for (int i = 1; i < c.argc(); i++) {
                n += view.get(c.arg(i)) != null ? 1 : 0; // duplicates count each time, as in redis-server
            }
            return Replies.integer(n);
        });
    }

    static String typeName(StoredValue v) {
        return v == null ? "none" : v.isForeign() ? "nokv-raw" : "string";
    }

    private static RedisMessage type(Call c) {
        return Replies.simple(typeName(c.keyspace().get(c.arg(1))));
    }

    private static RedisMessage keys(Call c) {
        GlobPattern pattern = new GlobPattern(c.arg(1));
        List<byte[]> out = new ArrayList<>();
        byte[] from = new byte[0];
        while (from != null) {
            Keyspace.Page page = c.keyspace().scan(from, 1024, pattern.matchesAll() ? null : pattern);
            out.addAll(page.keys());
            from = page.next();
        }
        return Replies.bulks(out);
    }

    private static RedisMessage scan(Call c) {
        Long cursor = Numbers.parseLong(c.arg(1));
        if (cursor == null || cursor < 0) {
            throw new RedisError("ERR invalid cursor");
        }
        byte[] from = new byte[0];
        if (cursor != 0) {
            from = c.gateway().cursors().position(cursor);
            if (from == null) {
                throw new RedisError("ERR invalid cursor");
            }
        }
        GlobPattern match = null;
        long count = DEFAULT_SCAN_COUNT;
        String type = null;
        for (int i = 2; i < c.argc(); i++) {
            String opt = c.option(i);
            if (i + 1 >= c.argc()) {
                throw RedisError.syntax();
            }
            switch (opt) {
                case "MATCH" -> match = new GlobPattern(c.arg(++i));
                case "COUNT" -> {
                    count = c.longArg(++i);
                    if (count < 1) {
                        throw RedisError.syntax();
                    }
                }
                case "TYPE" -> type = new String(c.arg(++i), StandardCharsets.ISO_8859_1);
                default -> throw RedisError.syntax();
            }
        }
        Keyspace.Page page = c.keyspace().scan(from, (int) Math.min(count, 100_000), match == null || match.matchesAll() ? null : match);
        List<byte[]> keys = page.keys();
        if (type != null && !type.equalsIgnoreCase("string")) {
            keys = List.of(); // every key the gateway holds is a string
        }
        long next = page.next() == null ? 0 : c.gateway().cursors().remember(page.next());
        List<RedisMessage> reply = new ArrayList<>(2);
        reply.add(Replies.bulk(Long.toString(next)));
        reply.add(Replies.bulks(keys));
        return Replies.array(reply);
    }

    private static RedisMessage rename(Call c, boolean onlyIfAbsent) {
        byte[] src = c.arg(1);
        byte[] dst = c.arg(2);
        return c.keyspace().update(List.of(src, dst), txn -> {
            StoredValue v = txn.get(src);
            if (v == null) {
                throw new RedisError(RedisError.NO_SUCH_KEY);
            }
            if (java.util.Arrays.equals(src, dst)) {
                return onlyIfAbsent ? Replies.ZERO : Replies.OK;
            }
            if (onlyIfAbsent && txn.get(dst) != null) {
                return Replies.ZERO;
            }
            txn.put(dst, v); // the TTL moves with the value
            txn.delete(src);
            return onlyIfAbsent ? Replies.ONE : Replies.OK;
        });
    }
}
