package io.nokv.node.cli;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.key.InternalKey;
import io.nokv.node.config.Keys;

import java.util.LinkedHashMap;
import java.util.Map;

/** How the inspectors print the engine's keys: user keys in the {@link Keys} convention, with their column family. */
final class StoreKeys {
    private StoreKeys() {
    }

    static String cfName(int cfId) {
        try {
            return ColumnFamily.fromId(cfId).displayName();
        } catch (IllegalArgumentException e) {
            return "cf" + cfId;
        }
    }

    /** {@code {"cf":"default","key":"a","version":7}}; an empty user key prints as {@code ""}. */
    static Map<String, Object> json(byte[] internalKey) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cf", cfName(InternalKey.cfId(internalKey)));
        byte[] user = InternalKey.userKey(internalKey);
        m.put("key", user.length == 0 ? "" : Keys.format(user));
        m.put("version", InternalKey.version(internalKey));
        return m;
    }

    /** {@code default:"a"@7}. */
    static String text(byte[] internalKey) {
        byte[] user = InternalKey.userKey(internalKey);
        return cfName(InternalKey.cfId(internalKey)) + ":" + Cli.quoted(user.length == 0 ? "" : Keys.format(user))
                + "@" + InternalKey.version(internalKey);
    }

    static String text(ColumnFamily cf, byte[] userKey) {
        return cf.displayName() + ":" + Cli.quoted(userKey.length == 0 ? "" : Keys.format(userKey));
    }
}
