package io.nokv.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A key and its value, as returned by scans. */
public record KvPair(byte[] key, byte[] value) {
    public String keyString() {
        return new String(key, StandardCharsets.UTF_8);
    }

    public String valueString() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KvPair p && Arrays.equals(key, p.key) && Arrays.equals(value, p.value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return ByteKeys.format(key) + "=" + ByteKeys.format(value);
    }
}
