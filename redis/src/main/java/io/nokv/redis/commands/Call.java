package io.nokv.redis.commands;

import io.nokv.redis.keyspace.Keyspace;
import io.nokv.redis.protocol.Request;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One command being executed: its arguments, the connection it came from, and the gateway. */
public record Call(Request request, Session session, Gateway gateway) {
    public Keyspace keyspace() {
        return gateway.keyspace();
    }

    public int argc() {
        return request.size();
    }

    public byte[] arg(int i) {
        return request.arg(i);
    }

    /** The command name as redis-server prints it in errors (lower case). */
    public String name() {
        return request.name();
    }

    /** Argument {@code i} upper-cased, for matching option words (NX, EX, MATCH, ...). */
    public String option(int i) {
        return new String(request.arg(i), StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
    }

    /** The keys at positions {@code first}, {@code first + step}, ... (DEL: 1,1; MSET: 1,2). */
    public List<byte[]> keys(int first, int step) {
        List<byte[]> keys = new ArrayList<>();
        for (int i = first; i < request.size(); i += step) {
            keys.add(request.arg(i));
        }
        return keys;
    }

    public long longArg(int i) {
        return Numbers.requireLong(request.arg(i));
    }
}
