package io.nokv.node.mvcc;

import java.nio.ByteBuffer;

/**
 * A write record, stored in the WRITE column family at version = commitTs (a ROLLBACK record at
 * version = startTs of the rolled-back transaction). The data of a PUT lives in DEFAULT at
 * version = {@code startTs}.
 *
 * <p>Encoding (big-endian): {@code [format=1][kind:1][startTs:8]}.
 */
public record Write(Kind kind, long startTs) {

    private static final byte FORMAT = 1;
    private static final int BYTES = 1 + 1 + 8;

    /** Codes are part of the stored format. */
    public enum Kind {
        PUT(1), DELETE(2), LOCK(3), ROLLBACK(4);

        final int code;

        Kind(int code) {
            this.code = code;
        }

        static Kind fromCode(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            throw new IllegalStateException("corrupt write record: unknown kind " + code);
        }
    }

    public Write {
        if (kind == null) {
            throw new IllegalArgumentException("write needs a kind");
        }
    }

    /** True for PUT and DELETE: the records that decide what a reader sees. */
    public boolean changesValue() {
        return kind == Kind.PUT || kind == Kind.DELETE;
    }

    public byte[] encode() {
        return ByteBuffer.allocate(BYTES).put(FORMAT).put((byte) kind.code).putLong(startTs).array();
    }

    public static Write decode(byte[] bytes) {
        if (bytes.length != BYTES || bytes[0] != FORMAT) {
            throw new IllegalStateException("corrupt write record: " + bytes.length + " bytes, format "
                    + (bytes.length == 0 ? "none" : bytes[0]));
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 1, BYTES - 1);
        return new Write(Kind.fromCode(b.get()), b.getLong());
    }
}
