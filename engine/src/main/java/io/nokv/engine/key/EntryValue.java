package io.nokv.engine.key;

/**
 * What an internal key maps to: {@code [kind: 1 byte][payload]}. The kind tells a value from a
 * tombstone (and, later, from a value-log pointer), so every layer below the DB stores values as
 * opaque bytes and tombstones travel through flush and compaction like any other entry.
 */
public final class EntryValue {
    public static final byte KIND_VALUE = 0;
    public static final byte KIND_DELETE = 1;
    /** Reserved for the value log: the payload is a pointer into a vlog segment. */
    public static final byte KIND_VALUE_POINTER = 2;

    private static final byte[] TOMBSTONE = {KIND_DELETE};

    private EntryValue() {
    }

    public static byte[] value(byte[] payload) {
        byte[] out = new byte[payload.length + 1];
        out[0] = KIND_VALUE;
        System.arraycopy(payload, 0, out, 1, payload.length);
        return out;
    }

    public static byte[] tombstone() {
        return TOMBSTONE;
    }

    public static byte kind(byte[] entry) {
        return entry[0];
    }

    public static boolean isTombstone(byte[] entry) {
        return entry[0] == KIND_DELETE;
    }

    public static byte[] payload(byte[] entry) {
        byte[] out = new byte[entry.length - 1];
        System.arraycopy(entry, 1, out, 0, out.length);
        return out;
    }
}
