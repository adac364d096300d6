package io.nokv.engine.vlog;

import io.nokv.engine.NoKVException;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Encodes and decodes the value log's manifest metadata entries ({@link VlogFormat#META_HEAD} and friends). */
public final class VlogMetadata {
    private VlogMetadata() {
    }

    /** {segment, offset}, or {0, 0} when absent (a store that never flushed a pointer). */
    public static long[] head(Map<String, byte[]> metadata) {
        byte[] b = metadata.get(VlogFormat.META_HEAD);
        if (b == null) {
            return new long[] {0, 0};
        }
        check(b, 16, VlogFormat.META_HEAD);
        return new long[] {VlogFormat.getLong(b, 0), VlogFormat.getLong(b, 8)};
    }

    public static byte[] encodeHead(long segment, long offset) {
        byte[] b = new byte[16];
        VlogFormat.putLong(b, 0, segment);
        VlogFormat.putLong(b, 8, offset);
        return b;
    }

    /** Segment id → stale bytes. */
    public static TreeMap<Long, Long> discard(Map<String, byte[]> metadata) {
        TreeMap<Long, Long> out = new TreeMap<>();
        byte[] b = metadata.get(VlogFormat.META_DISCARD);
        if (b == null) {
            return out;
        }
        if (b.length % 16 != 0) {
            throw new NoKVException("manifest metadata " + VlogFormat.META_DISCARD + " has " + b.length + " bytes, not a multiple of 16");
        }
        for (int i = 0; i < b.length; i += 16) {
            out.put(VlogFormat.getLong(b, i), VlogFormat.getLong(b, i + 8));
        }
        return out;
    }

    public static byte[] encodeDiscard(Map<Long, Long> discard) {
        byte[] b = new byte[discard.size() * 16];
        int pos = 0;
        for (Map.Entry<Long, Long> e : new TreeMap<>(discard).entrySet()) {
            pos = VlogFormat.putLong(b, pos, e.getKey());
            pos = VlogFormat.putLong(b, pos, e.getValue());
        }
        return b;
    }

    public static TreeSet<Long> pendingDelete(Map<String, byte[]> metadata) {
        TreeSet<Long> out = new TreeSet<>();
        byte[] b = metadata.get(VlogFormat.META_PENDING_DELETE);
        if (b == null) {
            return out;
        }
        if (b.length % 8 != 0) {
            throw new NoKVException("manifest metadata " + VlogFormat.META_PENDING_DELETE + " has " + b.length + " bytes, not a multiple of 8");
        }
        for (int i = 0; i < b.length; i += 8) {
            out.add(VlogFormat.getLong(b, i));
        }
        return out;
    }

    public static byte[] encodePending(Iterable<Long> segments) {
        TreeSet<Long> sorted = new TreeSet<>();
        segments.forEach(sorted::add);
        byte[] b = new byte[sorted.size() * 8];
        int pos = 0;
        for (long s : sorted) {
            pos = VlogFormat.putLong(b, pos, s);
        }
        return b;
    }

    private static void check(byte[] b, int length, String key) {
        if (b.length != length) {
            throw new NoKVException("manifest metadata " + key + " has " + b.length + " bytes, expected " + length);
        }
    }
}
