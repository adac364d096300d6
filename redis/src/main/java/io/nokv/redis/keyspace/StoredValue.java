package io.nokv.redis.keyspace;

import java.util.Arrays;

/**
 * A Redis string as the gateway stores it: the bytes and, with it in the same stored value, the
 * expiry (Unix milliseconds; 0 = none). Keeping the TTL inside the value means a key and its TTL
 * are written and deleted together; the Go original kept the TTL in a second key that a failed
 * write could orphan.
 *
 * <p>Layout: {@code 'R' 0x00 bytes...} (no expiry) or {@code 'R' 0x01 expiry(8, big-endian) bytes...}.
 * A stored value without that header was not written by the gateway (for instance by a Java client
 * of the cluster): it reads as {@link #foreign(byte[])} and string commands answer WRONGTYPE.
 */
public final class StoredValue {
    private static final byte MAGIC = 'R';
    private static final byte PERSISTENT = 0;
    private static final byte EXPIRING = 1;
    private static final int EXPIRING_HEADER = 10;

    private final byte[] bytes;
    private final long expiresAtMs;
    private final boolean foreign;

    private StoredValue(byte[] bytes, long expiresAtMs, boolean foreign) {
        this.bytes = bytes;
        this.expiresAtMs = expiresAtMs;
        this.foreign = foreign;
    }

    /** A string value; {@code expiresAtMs} 0 = no expiry. */
    public static StoredValue of(byte[] bytes, long expiresAtMs) {
        if (expiresAtMs < 0) {
            throw new IllegalArgumentException("expiry must be >= 0");
        }
        return new StoredValue(bytes, expiresAtMs, false);
    }

    public static StoredValue foreign(byte[] raw) {
        return new StoredValue(raw, 0, true);
    }

    public static StoredValue decode(byte[] raw) {
        if (raw.length >= 2 && raw[0] == MAGIC && raw[1] == PERSISTENT) {
            return new StoredValue(Arrays.copyOfRange(raw, 2, raw.length), 0, false);
        }
        if (raw.length >= EXPIRING_HEADER && raw[0] == MAGIC && raw[1] == EXPIRING) {
            long at = 0;
            for (int i = 2; i < EXPIRING_HEADER; i++) {
                at = (at << 8) | (raw[i] & 0xFF);
            }
            return new StoredValue(Arrays.copyOfRange(raw, EXPIRING_HEADER, raw.length), at, false);
        }
        return foreign(raw);
    }

    public byte[] encode() {
        if (foreign) {
            return bytes;
        }
        if (expiresAtMs == 0) {
            byte[] out = new byte[bytes.length + 2];
            out[0] = MAGIC;
            out[1] = PERSISTENT;
            System.arraycopy(bytes, 0, out, 2, bytes.length);
            return out;
        }
        byte[] out = new byte[bytes.length + EXPIRING_HEADER];
        out[0] = MAGIC;
        out[1] = EXPIRING;
        for (int i = 0; i < 8; i++) {
            out[2 + i] = (byte) (expiresAtMs >>> (56 - 8 * i));
        }
        System.arraycopy(bytes, 0, out, EXPIRING_HEADER, bytes.length);
        return out;
    }

    /** The string (or, for a foreign value, the raw stored bytes). */
    public byte[] bytes() {
        return bytes;
    }

    public long expiresAtMs() {
        return expiresAtMs;
    }

    public boolean hasExpiry() {
        return expiresAtMs != 0;
    }

    /** True for a value not written by the gateway: not a Redis string. */
    public boolean isForeign() {
        return foreign;
    }

    public boolean isExpiredAt(long nowMs) {
        return expiresAtMs != 0 && expiresAtMs <= nowMs;
    }

    /** The same expiry with other bytes. */
    public StoredValue withBytes(byte[] newBytes) {
        return new StoredValue(newBytes, expiresAtMs, false);
    }

    public StoredValue withExpiry(long newExpiresAtMs) {
        return of(bytes, newExpiresAtMs);
    }
}
