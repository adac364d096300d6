package io.nokv.engine.compaction;

import io.nokv.engine.key.InternalKey;
import io.nokv.engine.manifest.FileMeta;

import java.util.Arrays;
import java.util.Collection;

/**
 * A closed range of lookup prefixes ({@code [cf][user key]}), taken from files' internal-key bounds
 * with the version trailer ignored.
 *
 * <p>Compaction compares files by user key, not by internal key: two files whose internal ranges
 * only touch at different versions of one key ({@code ..k@7} and {@code k@5..}) still overlap here.
 * Treating them as disjoint would let one key's versions end up in two files of one level, where a
 * bottommost compaction of one file could drop a tombstone while an older value survives in the
 * other and comes back to life.
 */
final class KeyRange {
    private byte[] smallest;
    private byte[] largest;

    private KeyRange(byte[] smallest, byte[] largest) {
        this.smallest = smallest;
        this.largest = largest;
    }

    static KeyRange of(FileMeta file) {
        return new KeyRange(file.smallest(), file.largest());
    }

    static KeyRange of(Collection<FileMeta> files) {
        KeyRange range = null;
        for (FileMeta f : files) {
            if (range == null) {
                range = of(f);
            } else {
                range.widen(f);
            }
        }
        return range;
    }

    byte[] smallest() {
        return smallest;
    }

    byte[] largest() {
        return largest;
    }

    void widen(FileMeta file) {
        if (comparePrefix(file.smallest(), smallest) < 0) {
            smallest = file.smallest();
        }
        if (comparePrefix(file.largest(), largest) > 0) {
            largest = file.largest();
        }
    }

    boolean overlaps(FileMeta file) {
        return overlaps(file.smallest(), file.largest());
    }

    boolean overlaps(byte[] otherSmallest, byte[] otherLargest) {
        return comparePrefix(otherSmallest, largest) <= 0 && comparePrefix(otherLargest, smallest) >= 0;
    }

    /** Orders internal keys by lookup prefix only (unsigned), ignoring versions. */
    static int comparePrefix(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, 0, a.length - InternalKey.TRAILER_BYTES, b, 0, b.length - InternalKey.TRAILER_BYTES);
    }

    /**
     * Whether a file spanning internal keys [smallest, largest] holds any lookup prefix
     * {@code [cf][user key]} with {@code startUserKey <= user key < endUserKey} for some column
     * family (null bounds are open). A file's range may span column families, so every cf id between
     * its first and last one is checked.
     */
    static boolean overlapsUserRange(FileMeta file, byte[] startUserKey, byte[] endUserKey) {
        byte[] lo = file.smallest();
        byte[] hi = file.largest();
        int loLen = lo.length - InternalKey.TRAILER_BYTES;
        int hiLen = hi.length - InternalKey.TRAILER_BYTES;
        int firstCf = InternalKey.cfId(lo);
        int lastCf = InternalKey.cfId(hi);
        for (int cf = firstCf; cf <= lastCf; cf++) {
            // Prefixes of cf inside the user range: [cf|start, cf|end), or up to the next cf when end is open.
            boolean fileEndsBeforeRange = startUserKey != null
                    && comparePrefixTo(hi, hiLen, cf, startUserKey) < 0;
            boolean fileStartsAfterRange = endUserKey == null
                    ? (lo[0] & 0xff) > cf
                    : comparePrefixTo(lo, loLen, cf, endUserKey) >= 0;
            if (!fileEndsBeforeRange && !fileStartsAfterRange) {
                return true;
            }
        }
        return false;
    }

    /** Compares the prefix {@code key[0, len)} with {@code [cf][userKey]}. */
    private static int comparePrefixTo(byte[] key, int len, int cf, byte[] userKey) {
        int c = Integer.compare(key[0] & 0xff, cf);
        if (c != 0) {
            return c;
        }
        return Arrays.compareUnsigned(key, 1, len, userKey, 0, userKey.length);
    }

    @Override
    public String toString() {
        return "[" + Arrays.toString(smallest) + " .. " + Arrays.toString(largest) + "]";
    }
}
