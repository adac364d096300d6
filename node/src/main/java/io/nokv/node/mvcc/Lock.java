package io.nokv.node.mvcc;

import io.nokv.node.config.Keys;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A Percolator lock, stored in the LOCK column family at version = {@code startTs}.
 *
 * <p>{@code wallTimeMillis} is the physical time the leader stamped into the prewrite command: TSO
 * timestamps are plain counters with no physical part, so TTL expiry is measured against this
 * stamp ({@code expired when nowMillis >= wallTimeMillis + ttlMillis}). Every replica stores the
 * same stamp because it travels in the replicated command.
 *
 * <p>Encoding (big-endian): {@code [format=1][kind:1][startTs:8][ttlMillis:8][minCommitTs:8]
 * [wallTimeMillis:8][primaryLen:4][primary]}.
 */
public record Lock(byte[] primary, long startTs, long ttlMillis, Kind kind, long minCommitTs, long wallTimeMillis) {

    private static final byte FORMAT = 1;
    private static final int FIXED_BYTES = 1 + 1 + 8 + 8 + 8 + 8 + 4;

    /** What the locked key will become at commit. Codes are part of the stored format. */
    public enum Kind {
        PUT(1), DELETE(2), LOCK(3);

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
            throw new IllegalStateException("corrupt lock record: unknown kind " + code);
        }

        Write.Kind writeKind() {
            return switch (this) {
                case PUT -> Write.Kind.PUT;
                case DELETE -> Write.Kind.DELETE;
                case LOCK -> Write.Kind.LOCK;
            };
        }
    }

    public Lock {
        if (primary == null || kind == null) {
            throw new IllegalArgumentException("lock needs a primary and a kind");
        }
    }

    public boolean isExpired(long nowMillis) {
        return nowMillis - wallTimeMillis >= ttlMillis; // no overflow for a huge TTL
    }

    public Lock withMinCommitTs(long ts) {
        return new Lock(primary, startTs, ttlMillis, kind, ts, wallTimeMillis);
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(FIXED_BYTES + primary.length);
        b.put(FORMAT).put((byte) kind.code).putLong(startTs).putLong(ttlMillis).putLong(minCommitTs)
                .putLong(wallTimeMillis).putInt(primary.length).put(primary);
        return b.array();
    }

    public static Lock decode(byte[] bytes) {
        if (bytes.length < FIXED_BYTES || bytes[0] != FORMAT) {
            throw new IllegalStateException("corrupt lock record: " + bytes.length + " bytes, format "
                    + (bytes.length == 0 ? "none" : bytes[0]));
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
        Kind kind = Kind.fromCode(b.get());
        long startTs = b.getLong();
        long ttl = b.getLong();
        long minCommitTs = b.getLong();
        long wall = b.getLong();
        int len = b.getInt();
        if (len != b.remaining()) {
            throw new IllegalStateException("corrupt lock record: primary length " + len + ", " + b.remaining() + " bytes left");
        }
        byte[] primary = Arrays.copyOfRange(bytes, bytes.length - len, bytes.length);
        return new Lock(primary, startTs, ttl, kind, minCommitTs, wall);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lock l && Arrays.equals(primary, l.primary) && startTs == l.startTs
                && ttlMillis == l.ttlMillis && kind == l.kind && minCommitTs == l.minCommitTs
                && wallTimeMillis == l.wallTimeMillis;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(primary) * 31 + Long.hashCode(startTs);
    }

    @Override
    public String toString() {
        return "Lock[primary=" + Keys.format(primary) + ", startTs=" + startTs + ", ttlMillis=" + ttlMillis
                + ", kind=" + kind + ", minCommitTs=" + minCommitTs + ", wallTimeMillis=" + wallTimeMillis + "]";
    }
}
