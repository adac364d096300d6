package io.nokv.redis.commands;

import io.netty.handler.codec.redis.RedisMessage;
import io.nokv.redis.keyspace.Keyspace;
import io.nokv.redis.keyspace.StoredValue;
import io.nokv.redis.protocol.Replies;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The string commands. Every one that reads before it writes (SET NX/XX/GET, GETSET, GETDEL,
 * GETEX, MSETNX, APPEND, SETRANGE) is one keyspace transaction, so it is atomic against every
 * other command; the Go original's check-then-act is not repeated.
 */
final class StringCommands {
    /** redis-server's proto-max-bulk-len: the largest string SETRANGE and APPEND may produce. */
    static final long MAX_STRING_BYTES = 512L << 20;

    private StringCommands() {
    }

    static void register(CommandTable t) {
        t.add("get", 2, "readonly fast", 1, 1, 1, StringCommands::get);
        t.add("set", -3, "write denyoom", 1, 1, 1, StringCommands::set);
        t.add("setnx", 3, "write denyoom fast", 1, 1, 1, StringCommands::setnx);
        t.add("setex", 4, "write denyoom", 1, 1, 1, c -> setWithExpiry(c, ExpiryTime.Unit.SECONDS));
        t.add("psetex", 4, "write denyoom", 1, 1, 1, c -> setWithExpiry(c, ExpiryTime.Unit.MILLISECONDS));
        t.add("getset", 3, "write denyoom fast", 1, 1, 1, StringCommands::getset);
        t.add("getdel", 2, "write fast", 1, 1, 1, StringCommands::getdel);
        t.add("getex", -2, "write fast", 1, 1, 1, StringCommands::getex);
        t.add("mget", -2, "readonly fast", 1, -1, 1, StringCommands::mget);
        t.add("mset", -3, "write denyoom", 1, -1, 2, StringCommands::mset);
        t.add("msetnx", -3, "write denyoom", 1, -1, 2, StringCommands::msetnx);
        t.add("append", 3, "write denyoom fast", 1, 1, 1, StringCommands::append);
        t.add("strlen", 2, "readonly fast", 1, 1, 1, StringCommands::strlen);
        t.add("getrange", 4, "readonly", 1, 1, 1, StringCommands::getrange);
        t.add("setrange", 4, "write denyoom", 1, 1, 1, StringCommands::setrange);
    }

    /** The live string at {@code key}, null when absent; WRONGTYPE for a value the gateway did not write. */
    static StoredValue string(StoredValue v) {
        if (v != null && v.isForeign()) {
            throw RedisError.wrongType();
        }
        return v;
    }

    static RedisMessage bulkOf(StoredValue v) {
        return v == null ? Replies.NIL : Replies.bulk(v.bytes());
    }

    /** Writes {@code value}, or deletes the key when its expiry is already due (SET ... EXAT past). */
    static void store(Keyspace.Txn txn, byte[] key, StoredValue value) {
        if (value.isExpiredAt(txn.now())) {
            txn.delete(key);
        } else {
            txn.put(key, value);
        }
    }

    private static RedisMessage get(Call c) {
        return bulkOf(string(c.keyspace().get(c.arg(1))));
    }

    private static RedisMessage set(Call c) {
        byte[] key = c.arg(1);
        byte[] value = c.arg(2);
        boolean nx = false;
        boolean xx = false;
        boolean get = false;
        boolean keepTtl = false;
        ExpiryTime.Unit unit = null;
        byte[] expiry = null;
        for (int i = 3; i < c.argc(); i++) {
            String opt = c.option(i);
            ExpiryTime.Unit u = ExpiryTime.Unit.ofOption(opt);
            if (opt.equals("NX") && !xx) {
                nx = true;
            } else if (opt.equals("XX") && !nx) {
                xx = true;
            } else if (opt.equals("GET")) {
                get = true;
            } else if (opt.equals("KEEPTTL") && unit == null) {
                keepTtl = true;
            } else if (u != null && unit == null && !keepTtl && i + 1 < c.argc()) {
                unit = u;
                expiry = c.arg(++i);
            } else {
                throw RedisError.syntax();
            }
        }
        long now = c.keyspace().now();
        long expiresAt = unit == null ? 0 : ExpiryTime.positive(expiry, unit, now, "set");
        boolean ifAbsent = nx;
        boolean ifPresent = xx;
        boolean returnOld = get;
        boolean keep = keepTtl;
        return c.keyspace().update(key, txn -> {
            StoredValue old = null;
            if (ifAbsent || ifPresent || returnOld || keep) {
                old = txn.get(key);
                if (returnOld) {
                    string(old);
                }
            }
            if ((ifAbsent && old != null) || (ifPresent && old == null)) {
                return returnOld ? bulkOf(old) : Replies.NIL;
            }
            long at = keep && old != null ? old.expiresAtMs() : expiresAt;
            store(txn, key, StoredValue.of(value, at));
            return returnOld ? bulkOf(old) : Replies.OK;
        });
    }

    private static RedisMessage setnx(Call c) {
        return c.keyspace().update(c.arg(1), txn -> {
            if (txn.get(c.arg(1)) != null) {
                return Replies.ZERO;
            }
            txn.put(c.arg(1), StoredValue.of(c.arg(2), 0));
            return Replies.ONE;
        });
    }

    private static RedisMessage setWithExpiry(Call c, ExpiryTime.Unit unit) {
        long at = ExpiryTime.positive(c.arg(2), unit, c.keyspace().now(), c.name());
        return c.keyspace().update(c.arg(1), txn -> {
            store(txn, c.arg(1), StoredValue.of(c.arg(3), at));
            return Replies.OK;
        });
    }

    private static RedisMessage getset(Call c) {
        return c.keyspace().update(c.arg(1), txn -> {
            StoredValue old = string(txn.get(c.arg(1)));
            txn.put(c.arg(1), StoredValue.of(c.arg(2), 0));
            return bulkOf(old);
        });
    }

    private static RedisMessage getdel(Call c) {
        return c.keyspace().update(c.arg(1), txn -> {
            StoredValue old = string(txn.get(c.arg(1)));
            if (old != null) {
                txn.delete(c.arg(1));
            }
            return bulkOf(old);
        });
    }

    private static RedisMessage getex(Call c) {
        ExpiryTime.Unit unit = null;
        boolean persist = false;
        byte[] expiry = null;
        if (c.argc() > 2) {
            String opt = c.option(2);
            unit = ExpiryTime.Unit.ofOption(opt);
            if (unit != null && c.argc() == 4) {
                expiry = c.arg(3);
            } else if (opt.equals("PERSIST") && c.argc() == 3) {
                persist = true;
            } else {
                throw RedisError.syntax();
            }
        }
        long at = unit == null ? 0 : ExpiryTime.positive(expiry, unit, c.keyspace().now(), "getex");
        boolean change = unit != null || persist;
        return c.keyspace().update(c.arg(1), txn -> {
            StoredValue old = string(txn.get(c.arg(1)));
            if (old != null && change && (at != old.expiresAtMs())) {
                store(txn, c.arg(1), old.withExpiry(at));
            }
            return bulkOf(old);
        });
    }

    private static RedisMessage mget(Call c) {
        return c.keyspace().read(view -> {
            List<byte[]> out = new ArrayList<>(c.argc() - 1);
            for (int i = 1; i < c.argc(); i++) {
                StoredValue v = view.get(c.arg(i));
                out.add(v == null || v.isForeign() ? null : v.bytes());
            }
            return Replies.bulks(out);
        });
    }

    private static RedisMessage mset(Call c) {
        if (c.argc() % 2 == 0) {
            throw RedisError.arity(c.name());
        }
        return c.keyspace().update(c.keys(1, 2), txn -> {
            for (int i = 1; i < c.argc(); i += 2) {
                txn.put(c.arg(i), StoredValue.of(c.arg(i + 1), 0));
            }
            return Replies.OK;
        });
    }

    private static RedisMessage msetnx(Call c) {
        if (c.argc() % 2 == 0) {
            throw RedisError.arity(c.name());
        }
        return c.keyspace().update(c.keys(1, 2), txn -> {
            for (int i = 1; i < c.argc(); i += 2) {
                if (txn.get(c.arg(i)) != null) {
                    return Replies.ZERO;
                }
            }
            for (int i = 1; i < c.argc(); i += 2) {
                txn.put(c.arg(i), StoredValue.of(c.arg(i + 1), 0));
            }
            return Replies.ONE;
        });
    }

    private static RedisMessage append(Call c) {
        byte[] suffix = c.arg(2);
        return c.keyspace().update(c.arg(1), txn -> {
            StoredValue old = string(txn.get(c.arg(1)));
            byte[] prefix = old == null ? new byte[0] : old.bytes();
            if ((long) prefix.length + suffix.length > MAX_STRING_BYTES) {
                throw new RedisError("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
            }
            byte[] joined = Arrays.copyOf(prefix, prefix.length + suffix.length);
            System.arraycopy(suffix, 0, joined, prefix.length, suffix.length);
            txn.put(c.arg(1), old == null ? StoredValue.of(joined, 0) : old.withBytes(joined));
            return Replies.integer(joined.length);
        });
    }

    private static RedisMessage strlen(Call c) {
        StoredValue v = string(c.keyspace().get(c.arg(1)));
        return Replies.integer(v == null ? 0 : v.bytes().length);
    }

    private static RedisMessage getrange(Call c) {
        long start = c.longArg(2);
        long end = c.longArg(3);
        StoredValue v = string(c.keyspace().get(c.arg(1)));
        if (v == null) {
            return Replies.bulk(new byte[0]);
        }
        byte[] b = v.bytes();
        long len = b.length;
        if (start < 0 && end < 0 && start > end) {
            return Replies.bulk(new byte[0]);
        }
        if (start < 0) {
            start = len + start;
        }
        if (end < 0) {
            end = len + end;
        }
        start = Math.max(start, 0);
        end = Math.max(end, 0);
        end = Math.min(end, len - 1);
        if (start > end || len == 0) {
            return Replies.bulk(new byte[0]);
        }
        return Replies.bulk(Arrays.copyOfRange(b, (int) start, (int) end + 1));
    }

    private static RedisMessage setrange(Call c) {
        long offset = c.longArg(2);
        byte[] patch = c.arg(3);
        if (offset < 0) {
            throw new RedisError("ERR offset is out of range");
        }
        if (offset + patch.length > MAX_STRING_BYTES) {
            throw new RedisError("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
        }
        return c.keyspace().update(c.arg(1), txn -> {
            StoredValue old = string(txn.get(c.arg(1)));
            byte[] cur = old == null ? new byte[0] : old.bytes();
            if (patch.length == 0) {
                return Replies.integer(cur.length); // nothing to write; an absent key stays absent
            }
            byte[] out = Arrays.copyOf(cur, (int) Math.max(cur.length, offset + patch.length));
            System.arraycopy(patch, 0, out, (int) offset, patch.length);
            txn.put(c.arg(1), old == null ? StoredValue.of(out, 0) : old.withBytes(out));
            return Replies.integer(out.length);
        });
    }
}
