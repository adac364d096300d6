package io.nokv.engine.memtable;

import io.nokv.engine.NoKVException;
import io.nokv.engine.key.InternalKey;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A skip list whose nodes, keys and values live inline in large byte chunks (like RocksDB's
 * InlineSkipList): a search touches one cache line per step instead of three objects, and the GC
 * sees a few dozen arrays instead of millions of small ones.
 *
 * <p>One writer at a time (the write leader or recovery; hand-offs between writers go through a
 * lock), any number of lock-free readers. A node is fully written before it is linked with a
 * release store; readers follow links with acquire loads, so they never see a half-built node.
 *
 * <p>Node: {@code [int valueAddr][int keyLen][int height][int next * height][key]}, 4-byte aligned;
 * value record: {@code [int len][entry value]}. Addresses are ints: chunk index and offset; 0 is
 * the head node and doubles as "none".
 */
final class ArenaSkipList {
    static final int MAX_HEIGHT = 12;
    /** Chunks of a full-size memtable: one G1 region minus the array header, so each is a humongous
     * object filling its region exactly: allocated outside the young generation and never copied. */
    static final int LARGE_CHUNK_BYTES = largeChunkBytes();
    private static final int MIN_CHUNK_BYTES = 64 << 10;
    private static final int VALUE = 0;
    private static final int KEY_LEN = 4;
    private static final int HEIGHT = 8;
    private static final int NEXT = 12;
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private final int chunkBytes;
    private final int chunkShift;
    private final int offsetMask;
    private final int maxChunks;
    private final byte[][] chunks;
    private volatile int maxHeight = 1;
    /** Writer state. */
    private int chunkCount;
    /** The shared chunk small records go to (dedicated chunks of large records come and go around it). */
    private int currentChunk;
    private int chunkUsed;
    private long randomState = 0x9E3779B97F4A7C15L;
    private final int[] preds = new int[MAX_HEIGHT];
    private volatile long arenaBytes;

    /** @param expectedBytes about how much the list will hold (sizes the chunks) */
    ArenaSkipList(long expectedBytes) {
        long want = Math.max(MIN_CHUNK_BYTES, expectedBytes / 8);
        chunkBytes = want >= LARGE_CHUNK_BYTES ? LARGE_CHUNK_BYTES : Integer.highestOneBit((int) want);
        chunkShift = 32 - Integer.numberOfLeadingZeros(chunkBytes - 1);
        offsetMask = (1 << chunkShift) - 1;
        maxChunks = 1 << (31 - chunkShift);
        chunks = new byte[maxChunks][];
        chunks[0] = new byte[chunkBytes];
        chunkCount = 1;
        int head = allocate(NEXT + 4 * MAX_HEIGHT);
        INT.set(chunks[0], head + HEIGHT, MAX_HEIGHT);
    }

    long arenaBytes() {
        return arenaBytes;
    }

    // ---- writer ---------------------------------------------------------------------------------

    /**
     * Inserts key → [kind][payload], or replaces the value of an equal key.
     *
     * @return true when the key was new
     */
    boolean put(byte[] key, int keyLen, byte kind, byte[] payload) {
        return put(key, keyLen, kind, payload, 0, payload.length);
    }

    /** As {@link #put(byte[], int, byte, byte[])} with the payload {@code payload[payloadOff, payloadOff + payloadLen)}. */
    boolean put(byte[] key, int keyLen, byte kind, byte[] payload, int payloadOff, int payloadLen) {
        int x = 0;
        int level = maxHeight - 1;
        while (true) {
            int next = next(x, level);
            if (next != 0 && compareNode(next, key, keyLen) < 0) {
                x = next;
            } else {
                preds[level] = x;
                if (level == 0) {
                    if (next != 0 && compareNode(next, key, keyLen) == 0) {
                        int value = allocateValue(kind, payload, payloadOff, payloadLen);
                        INT.setRelease(chunk(next), offset(next) + VALUE, value);
                        return false;
                    }
                    break;
                }
                level--;
            }
        }
        int height = randomHeight();
        int top = maxHeight;
        for (int i = top; i < height; i++) {
            preds[i] = 0;
        }
        int nodeBytes = align(NEXT + 4 * height + keyLen);
        int node = allocate(nodeBytes + 4 + 1 + payloadLen);
        byte[] c = chunk(node);
        int off = offset(node);
        INT.set(c, off + KEY_LEN, keyLen);
        INT.set(c, off + HEIGHT, height);
        System.arraycopy(key, 0, c, off + NEXT + 4 * height, keyLen);
        int valueOff = off + nodeBytes;
        INT.set(c, valueOff, 1 + payloadLen);
        c[valueOff + 4] = kind;
        System.arraycopy(payload, payloadOff, c, valueOff + 5, payloadLen);
        INT.set(c, off + VALUE, node + nodeBytes);
        for (int i = 0; i < height; i++) {
            INT.set(c, off + NEXT + 4 * i, next(preds[i], i));
        }
        if (height > top) {
            maxHeight = height;
        }
        for (int i = 0; i < height; i++) {
            INT.setRelease(chunk(preds[i]), offset(preds[i]) + NEXT + 4 * i, node);
        }
        return true;
    }

    private int allocateValue(byte kind, byte[] payload, int payloadOff, int payloadLen) {
        int addr = allocate(4 + 1 + payloadLen);
        byte[] c = chunk(addr);
        int off = offset(addr);
        INT.set(c, off, 1 + payloadLen);
        c[off + 4] = kind;
        System.arraycopy(payload, payloadOff, c, off + 5, payloadLen);
        return addr;
    }

    /** Reserves {@code size} bytes, 4-byte aligned, never spanning chunks; large records get a chunk of their own. */
    private int allocate(int size) {
        int aligned = align(size);
        arenaBytes += aligned;
        if (aligned > chunkBytes / 4) {
            return newChunk(aligned) << chunkShift;
        }
        if (chunkUsed + aligned > chunkBytes) {
            currentChunk = newChunk(chunkBytes);
            chunkUsed = 0;
        }
        int addr = (currentChunk << chunkShift) | chunkUsed;
        chunkUsed += aligned;
        return addr;
    }

    private int newChunk(int size) {
        if (chunkCount >= maxChunks) {
            throw new NoKVException("memtable arena is full (" + maxChunks + " chunks of " + chunkBytes
                    + " bytes); lower Options.memtableBytes");
        }
        chunks[chunkCount] = new byte[size];
        return chunkCount++;
    }

    private static int largeChunkBytes() {
        long region = 0;
        try {
            var bean = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (bean != null) {
                region = Long.parseLong(bean.getVMOption("G1HeapRegionSize").getValue());
            }
        } catch (RuntimeException | LinkageError e) {
            region = 0; // not HotSpot or not G1: any size works, this one just avoids waste under G1
        }
        region = Math.min(Math.max(region, 1 << 20), 32 << 20);
        return (int) region - 64; // 64 >= any byte[] header
    }

    private int randomHeight() {
        long r = randomState;
        r ^= r << 13;
        r ^= r >>> 7;
        r ^= r << 17;
        randomState = r;
        int height = 1;
        while (height < MAX_HEIGHT && (r & 3) == 0) { // branching factor 4
            height++;
            r >>>= 2;
        }
        return height;
    }

    private static int align(int n) {
        return (n + 3) & ~3;
    }

    // ---- readers --------------------------------------------------------------------------------

    private byte[] chunk(int addr) {
        return chunks[addr >>> chunkShift];
    }

    private int offset(int addr) {
        return addr & offsetMask;
    }

    int next(int node, int level) {
        return (int) INT.getAcquire(chunk(node), offset(node) + NEXT + 4 * level);
    }

    int compareNode(int node, byte[] key, int keyLen) {
        byte[] c = chunk(node);
        int off = offset(node);
        int height = (int) INT.get(c, off + HEIGHT);
        int len = (int) INT.get(c, off + KEY_LEN);
        return InternalKey.compare(c, off + NEXT + 4 * height, len, key, 0, keyLen);
    }

    /** First node with key >= the argument, or 0. */
    int seekGreaterOrEqual(byte[] key) {
        int x = 0;
        int level = maxHeight - 1;
        while (true) {
            int next = next(x, level);
            if (next != 0 && compareNode(next, key, key.length) < 0) {
                x = next;
            } else if (level == 0) {
                return next;
            } else {
                level--;
            }
        }
    }

    /** Last node with key < the argument, or 0. */
    int seekLessThan(byte[] key) {
        int x = 0;
        int level = maxHeight - 1;
        while (true) {
            int next = next(x, level);
            if (next != 0 && compareNode(next, key, key.length) < 0) {
                x = next;
            } else if (level == 0) {
                return x;
            } else {
                level--;
            }
        }
    }

    int first() {
        return next(0, 0);
    }

    /** The last node, or 0 when empty. */
    int last() {
        int x = 0;
        int level = maxHeight - 1;
        while (true) {
            int next = next(x, level);
            if (next != 0) {
                x = next;
            } else if (level == 0) {
                return x;
            } else {
                level--;
            }
        }
    }

    byte[] key(int node) {
        byte[] c = chunk(node);
        int off = offset(node);
        int height = (int) INT.get(c, off + HEIGHT);
        int len = (int) INT.get(c, off + KEY_LEN);
        byte[] out = new byte[len];
        System.arraycopy(c, off + NEXT + 4 * height, out, 0, len);
        return out;
    }

    /** True when the node's (cf, user key) equals the lookup key's. */
    boolean samePrefix(int node, byte[] lookupKey) {
        byte[] c = chunk(node);
        int off = offset(node);
        int height = (int) INT.get(c, off + HEIGHT);
        int len = (int) INT.get(c, off + KEY_LEN);
        int start = off + NEXT + 4 * height;
        return java.util.Arrays.equals(c, start, start + len - InternalKey.TRAILER_BYTES,
                lookupKey, 0, lookupKey.length - InternalKey.TRAILER_BYTES);
    }

    long version(int node) {
        byte[] c = chunk(node);
        int off = offset(node);
        int height = (int) INT.get(c, off + HEIGHT);
        int len = (int) INT.get(c, off + KEY_LEN);
        int t = off + NEXT + 4 * height + len - InternalKey.TRAILER_BYTES;
        long inverted = 0;
        for (int i = 0; i < InternalKey.TRAILER_BYTES; i++) {
            inverted = (inverted << 8) | (c[t + i] & 0xff);
        }
        return Long.MAX_VALUE - inverted;
    }

    /** The entry value ([kind][payload]) as a fresh array. */
    byte[] value(int node) {
        int v = (int) INT.getAcquire(chunk(node), offset(node) + VALUE);
        byte[] c = chunk(v);
        int off = offset(v);
        int len = (int) INT.get(c, off);
        byte[] out = new byte[len];
        System.arraycopy(c, off + 4, out, 0, len);
        return out;
    }

    byte kind(int node) {
        int v = (int) INT.getAcquire(chunk(node), offset(node) + VALUE);
        return chunk(v)[offset(v) + 4];
    }

    /** The payload (entry value without its kind byte) as a fresh array. */
    byte[] payload(int node) {
        int v = (int) INT.getAcquire(chunk(node), offset(node) + VALUE);
        byte[] c = chunk(v);
        int off = offset(v);
        int len = (int) INT.get(c, off) - 1;
        byte[] out = new byte[len];
        System.arraycopy(c, off + 5, out, 0, len);
        return out;
    }
}
