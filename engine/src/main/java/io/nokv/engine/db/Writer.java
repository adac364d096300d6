package io.nokv.engine.db;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.WriteBatch;

/**
 * One caller's pending write in the group-commit queue: either a whole {@link WriteBatch} or a
 * single op (kept unboxed so a lone put allocates no batch). Completion and leadership are
 * handed over through volatile flags and {@code LockSupport.unpark}.
 */
final class Writer {
    final WriteBatch batch;
    final ColumnFamily cf;
    final byte[] key;
    final long version;
    /** Null for a delete of the single op. */
    final byte[] value;
    final boolean sync;
    /** A flush request: rotate the memtable even if it is not full. */
    final boolean rotate;
    /** Value-log GC: values to move (versioned puts of new pointers, applied only while still live). */
    final java.util.List<Relocation> relocations;
    /** Leader only: per op, the entry value to store instead of the plain value (pointer, expiry), or null. */
    byte[][] entries;

    /** The calling thread, unparked when its group is done or it becomes the leader. */
    final Thread thread = Thread.currentThread();
    /** Set (after {@link #error}) by the leader that applied this writer's group. */
    volatile boolean done;
    /** Set when this writer reaches the head of the queue and must lead the next group. */
    volatile boolean leading;
    RuntimeException error;
    /** The version the leader gave this writer's plain ops (transactions read it back as their commit timestamp). */
    long assignedVersion;

    private Writer(WriteBatch batch, ColumnFamily cf, byte[] key, long version, byte[] value, boolean sync, boolean rotate) {
        this(batch, cf, key, version, value, sync, rotate, null);
    }

    private Writer(WriteBatch batch, ColumnFamily cf, byte[] key, long version, byte[] value, boolean sync, boolean rotate,
                   java.util.List<Relocation> relocations) {
        this.relocations = relocations;
        this.batch = batch;
        this.cf = cf;
        this.key = key;
        this.version = version;
        this.value = value;
        this.sync = sync;
        this.rotate = rotate;
    }

    static Writer single(ColumnFamily cf, byte[] key, long version, byte[] valueOrNull, boolean sync) {
        if (cf == null || key == null) {
            throw new IllegalArgumentException("column family and key must not be null");
        }
        return new Writer(null, cf, key, version, valueOrNull, sync, false);
    }

    static Writer batch(WriteBatch batch, boolean sync) {
        return new Writer(batch, null, null, 0, null, sync, false);
    }

    static Writer relocation(java.util.List<Relocation> relocations) {
        return new Writer(null, null, null, 0, null, true, false, relocations);
    }

    static Writer rotation() {
        return new Writer(null, null, null, 0, null, false, true);
    }

    boolean hasOps() {
        return batch != null ? !batch.isEmpty() : key != null || relocations != null;
    }

    long approximateBytes() {
        if (batch != null) {
            return batch.approximateBytes();
        }
        if (relocations != null) {
            long n = 0;
            for (Relocation r : relocations) {
                n += r.key.length + r.value.length + 16;
            }
            return n;
        }
        return key == null ? 0 : key.length + (value == null ? 0 : value.length) + 16;
    }
}
