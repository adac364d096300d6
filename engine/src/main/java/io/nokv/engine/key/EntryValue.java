package io.nokv.engine.key;

/**
 * What an internal key maps to: {@code [kind: 1 byte][expires-at: 8 bytes, only with EXPIRES][payload]}.
 * The low 7 bits of the kind byte tell a value from a tombstone and from a value-log pointer;
 * bit {@link #EXPIRES} says an expiry time (epoch ms, big-endian) follows. Entries written before
 * TTL existed never have the bit, so they read exactly as before. Every layer below the DB stores
 * values as opaque bytes and tombstones travel through flush and compaction like any other entry.
 */
public final class EntryValue {
    public static final byte KIND_VALUE = 0;
    public static final byte KIND_DELETE = 1;
    /** The payload is a pointer into a vlog segment ({@link io.nokv.engine.vlog.VlogFormat}). */
    public static final byte KIND_VALUE_POINTER = 2;
    /** Flag bit of the kind byte: an 8-byte expiry time follows it. */
    public static final int EXPIRES = 0x80;

    private static final byte[] TOMBSTONE = {KIND_DELETE};

    private EntryValue() {
    }

    public static byte[] value(byte[] payload) {
        byte[] out = new byte[payload.length + 1];
        out[0] = KIND_VALUE;
        System.arraycopy(payload, 0, out, 1, payload.length);
        return out;
    }

    /** {@code [kind (| EXPIRES)][expiresAt when > 0][payload]}; expiresAt 0 = never expires. */
    public static byte[] encode(byte kind, long expiresAt, byte[] payload) {
        if (expiresAt <= 0) {
            byte[] out = new byte[payload.length + 1];
            out[0] = kind;
            System.arraycopy(payload, 0, out, 1, payload.length);
            return out;
        }
        byte[] out = new byte[payload.length + 9];
        out[0] = (byte) (kind | EXPIRES);
        for (int i = 8; i >= 1; i--) {
            out[i] = (byte) expiresAt;
            expiresAt >>>= 8;
        }
        System.arraycopy(payload, 0, out, 9, payload.length);
        return out;
    }

    public static byte[] tombstone() {
        return TOMBSTONE;
    }

    /** The kind without the flag bits. */
    public static byte kind(byte[] entry) {
        return (byte) (entry[0] & 0x7f);
    }

    public static boolean isTombstone(byte[] entry) {
        return entry[0] == KIND_DELETE;
    }

    public static boolean isPointer(byte[] entry) {
        return (entry[0] & 0x7f) == KIND_VALUE_POINTER;
    }

    public static boolean hasExpiry(byte[] entry) {
        return (entry[0] & EXPIRES) != 0;
    }

    /** Expiry time in epoch ms, 0 when the entry never expires. */
    public static long expiresAt(byte[] entry) {
        if ((entry[0] & EXPIRES) == 0) {
            return 0;
        }
        long v = 0;
        for (int i = 1; i <= 8; i++) {
            v = (v << 8) | (entry[i] & 0xff);
        }
        return v;
    }

    public static boolean isExpired(byte[] entry, long nowMillis) {
        return (entry[0] & EXPIRES) != 0 && expiresAt(entry) <= nowMillis;
    }

    /** A tombstone, or an entry that has expired: reads as absent and hides older versions. */
    public static boolean isDead(byte[] entry, long nowMillis) {
        return entry[0] == KIND_DELETE || isExpired(entry, nowMillis);
    }

    public static int payloadOffset(byte[] entry) {
        return (entry[0] & EXPIRES) != 0 ? 9 : 1;
    }

    public static byte[] payload(byte[] entry) {
        int off = payloadOffset(entry);
        byte[] out = new byte[entry.length - off];
        System.arraycopy(entry, off, out, 0, out.length);
        return out;
    }
}
