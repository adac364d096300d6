package io.nokv.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Writes applied together: all or none, also across a crash. Not thread-safe. */
public final class WriteBatch {

    /**
     * One mutation. {@code version} is {@link #UNVERSIONED} for plain writes (the store assigns it);
     * {@code ttlMillis} is 0 for values that never expire, else the entry expires that long after
     * the store applies it (by {@code Options.clock}).
     */
    public record Op(ColumnFamily cf, byte[] key, long version, byte[] value, boolean delete, long ttlMillis) {
        public Op(ColumnFamily cf, byte[] key, long version, byte[] value, boolean delete) {
            this(cf, key, version, value, delete, 0);
        }
    }

    public static final long UNVERSIONED = -1;

    private final List<Op> ops = new ArrayList<>();
    private long approximateBytes;

    public WriteBatch put(byte[] key, byte[] value) {
        return put(ColumnFamily.DEFAULT, key, value);
    }

    public WriteBatch put(ColumnFamily cf, byte[] key, byte[] value) {
        return add(new Op(cf, key, UNVERSIONED, value, false));
    }

    public WriteBatch put(ColumnFamily cf, byte[] key, long version, byte[] value) {
        checkVersion(version);
        return add(new Op(cf, key, version, value, false));
    }

    /** A put that reads as absent once {@code ttl} has passed (and is then removed by compaction). */
    public WriteBatch put(ColumnFamily cf, byte[] key, byte[] value, Duration ttl) {
        return add(new Op(cf, key, UNVERSIONED, value, false, ttlMillis(ttl)));
    }

    public WriteBatch put(ColumnFamily cf, byte[] key, long version, byte[] value, Duration ttl) {
        checkVersion(version);
        return add(new Op(cf, key, version, value, false, ttlMillis(ttl)));
    }

    private static long ttlMillis(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
        return Math.max(1, ttl.toMillis());
    }

    public WriteBatch delete(byte[] key) {
        return delete(ColumnFamily.DEFAULT, key);
    }

    public WriteBatch delete(ColumnFamily cf, byte[] key) {
        return add(new Op(cf, key, UNVERSIONED, null, true));
    }

    public WriteBatch delete(ColumnFamily cf, byte[] key, long version) {
        checkVersion(version);
        return add(new Op(cf, key, version, null, true));
    }

    public List<Op> ops() {
        return Collections.unmodifiableList(ops);
    }

    public int size() {
        return ops.size();
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }

    public long approximateBytes() {
        return approximateBytes;
    }

    public void clear() {
        ops.clear();
        approximateBytes = 0;
    }

    private WriteBatch add(Op op) {
        if (op.cf() == null || op.key() == null) {
            throw new IllegalArgumentException("column family and key must not be null");
        }
        if (!op.delete() && op.value() == null) {
            throw new IllegalArgumentException("value must not be null (use delete)");
        }
        ops.add(op);
        approximateBytes += op.key().length + (op.value() == null ? 0 : op.value().length) + 16;
        return this;
    }

    private static void checkVersion(long version) {
        if (version < 0 || version == Long.MAX_VALUE) {
            throw new IllegalArgumentException("version must be in [0, Long.MAX_VALUE), got " + version);
        }
    }
}
