package io.nokv.engine.db;

import io.nokv.engine.NoKVException;

/**
 * The WAL payload of one write batch: {@code [varint count]} then per op
 * {@code [cf][kind][version: 8 bytes][varint key length][key]} and, for values,
 * {@code [varint value length][value]}. Kind {@link #KIND_ENTRY} carries a whole entry value
 * instead of a user value (a value-log pointer, or a value with an expiry). Versions are stored as
 * assigned, so replay rebuilds exactly the entries the memtable held.
 */
final class BatchCodec {
    static final byte KIND_PUT = 0;
    static final byte KIND_DELETE = 1;
    static final byte KIND_ENTRY = 2;

    /** Receives each op of a decoded payload; {@code value} is null for deletes, an entry value for KIND_ENTRY. */
    interface OpSink {
        void op(int cfId, byte[] key, long version, byte kind, byte[] value);
    }

    private BatchCodec() {
    }

    /** Exact encoded size of one op (so payloads are allocated once, at their final size). */
    static int opBytes(byte[] key, byte[] value) {
        return 2 + 8 + varintBytes(key.length) + key.length + (value == null ? 0 : varintBytes(value.length) + value.length);
    }

    static int varintBytes(int v) {
        int n = 1;
        while ((v & ~0x7f) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    /** Appends one op; returns the new write position. */
    static int putOp(byte[] buf, int pos, int cfId, byte[] key, long version, byte[] valueOrNull) {
        return putOp(buf, pos, cfId, valueOrNull == null ? KIND_DELETE : KIND_PUT, key, version, valueOrNull);
    }

    static int putOp(byte[] buf, int pos, int cfId, byte kind, byte[] key, long version, byte[] valueOrNull) {
        buf[pos++] = (byte) cfId;
        buf[pos++] = kind;
        for (int i = 56; i >= 0; i -= 8) {
            buf[pos++] = (byte) (version >>> i);
        }
        pos = putVarint(buf, pos, key.length);
        System.arraycopy(key, 0, buf, pos, key.length);
        pos += key.length;
        if (valueOrNull != null) {
            pos = putVarint(buf, pos, valueOrNull.length);
            System.arraycopy(valueOrNull, 0, buf, pos, valueOrNull.length);
            pos += valueOrNull.length;
        }
        return pos;
    }

    static int putVarint(byte[] buf, int pos, int v) {
        while ((v & ~0x7f) != 0) {
            buf[pos++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
        return pos;
    }

    static void decode(byte[] payload, OpSink sink) {
        int[] pos = {0};
        int count = readVarint(payload, pos);
        for (int n = 0; n < count; n++) {
            need(payload, pos[0], 10);
            int cf = payload[pos[0]++] & 0xff;
            byte kind = payload[pos[0]++];
            long version = 0;
            for (int i = 0; i < 8; i++) {
                version = (version << 8) | (payload[pos[0]++] & 0xff);
            }
            byte[] key = readBytes(payload, pos);
            byte[] value = null;
            if (kind == KIND_PUT || kind == KIND_ENTRY) {
                value = readBytes(payload, pos);
                if (kind == KIND_ENTRY && value.length == 0) {
                    throw new NoKVException("WAL batch record has an empty entry value at payload offset " + pos[0]);
                }
            } else if (kind != KIND_DELETE) {
                throw new NoKVException("WAL batch record has unknown op kind " + kind + " at payload offset " + (pos[0] - 1));
            }
            sink.op(cf, key, version, kind, value);
        }
        if (pos[0] != payload.length) {
            throw new NoKVException("WAL batch record has " + (payload.length - pos[0]) + " trailing bytes");
        }
    }

    private static byte[] readBytes(byte[] payload, int[] pos) {
        int len = readVarint(payload, pos);
        need(payload, pos[0], len);
        byte[] out = new byte[len];
        System.arraycopy(payload, pos[0], out, 0, len);
        pos[0] += len;
        return out;
    }

    private static int readVarint(byte[] payload, int[] pos) {
        int result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            need(payload, pos[0], 1);
            int b = payload[pos[0]++];
            result |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                if (result < 0) {
                    break;
                }
                return result;
            }
        }
        throw new NoKVException("WAL batch record has a bad length varint at payload offset " + pos[0]);
    }

    private static void need(byte[] payload, int pos, int n) {
        if (n < 0 || pos + n > payload.length) {
            throw new NoKVException("WAL batch record is truncated at payload offset " + pos);
        }
    }
}
