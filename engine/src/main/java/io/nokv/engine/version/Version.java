package io.nokv.engine.version;

import io.nokv.engine.iterator.Entry;
import io.nokv.engine.iterator.InternalIterator;
import io.nokv.engine.iterator.LevelIterator;
import io.nokv.engine.key.InternalKey;
import io.nokv.engine.manifest.FileMeta;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An immutable set of SST files per level, as one manifest state describes it. Readers pin the
 * version they start on ({@link #tryRef()} / {@link #unref()}), so a compaction that installs a
 * newer version never closes or deletes a file under them.
 */
public final class Version {
    private final VersionSet owner;
    private final List<List<FileMeta>> levels;
    /** L0 newest first (highest file id first); deeper levels by smallest key, non-overlapping. */
    private final TableFile[][] tables;
    /** The installed version holds one reference for the set; it is dropped when replaced. */
    private final AtomicInteger refs = new AtomicInteger(1);
    private final long maxVersion;

    Version(VersionSet owner, TableFile[][] tables) {
        this.owner = owner;
        this.tables = tables;
        List<List<FileMeta>> lv = new ArrayList<>(tables.length);
        for (int level = 0; level < tables.length; level++) {
            TableFile[] files = tables[level];
            List<FileMeta> metas = new ArrayList<>(files.length);
            if (level == 0) {
                for (int i = files.length - 1; i >= 0; i--) { // manifest order: L0 by id ascending
                    metas.add(files[i].meta());
                }
            } else {
                for (TableFile f : files) {
                    metas.add(f.meta());
                }
            }
            lv.add(Collections.unmodifiableList(metas));
        }
        this.levels = Collections.unmodifiableList(lv);
        long max = -1;
        for (TableFile[] files : tables) {
            for (TableFile f : files) {
                max = Math.max(max, f.meta().maxVersion());
            }
        }
        this.maxVersion = max;
    }

    /** The highest version in any table (-1 when empty): a point read that already found newer data skips the tables. */
    public long maxVersion() {
        return maxVersion;
    }

    /** Per level, as the manifest orders them (L0 by file id ascending, deeper by smallest key). */
    public List<List<FileMeta>> levels() {
        return levels;
    }

    public int l0Count() {
        return tables[0].length;
    }

    TableFile[][] tables() {
        return tables;
    }

    /** False when the version has already died (the caller then re-reads the current one). */
    public boolean tryRef() {
        for (;;) {
            int r = refs.get();
            if (r == 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    public void unref() {
        if (refs.decrementAndGet() == 0) {
            owner.versionDied(this);
        }
    }

    /**
     * The entry with the highest version at or below the lookup key's version for its (cf, user
     * key), considering only tables whose max version is above {@code floorVersion} (the best a
     * newer source already found). Null when none.
     */
    public Entry get(byte[] lookupKey, long floorVersion, ReadCounters counters) {
        Entry best = null;
        long bestVersion = floorVersion;
        byte[] prefix = null;
        int prefixLen = lookupKey.length - InternalKey.TRAILER_BYTES;
        for (TableFile f : tables[0]) {
            FileMeta m = f.meta();
            if (m.maxVersion() <= bestVersion || !mayOverlap(m, lookupKey, prefixLen)) {
                continue;
            }
            if (prefix == null) {
                prefix = Arrays.copyOf(lookupKey, prefixLen);
            }
            Entry e = probe(f, lookupKey, prefix, counters);
            if (e != null) {
                long v = InternalKey.version(e.key());
                if (v > bestVersion) {
                    best = e;
                    bestVersion = v;
                }
            }
        }
        for (int level = 1; level < tables.length; level++) {
            TableFile f = findFile(tables[level], lookupKey, prefixLen);
            if (f == null || f.meta().maxVersion() <= bestVersion) {
                continue;
            }
            if (prefix == null) {
                prefix = Arrays.copyOf(lookupKey, prefixLen);
            }
            Entry e = probe(f, lookupKey, prefix, counters);
            if (e != null) {
                long v = InternalKey.version(e.key());
                if (v > bestVersion) {
                    best = e;
                    bestVersion = v;
                }
            }
        }
        return best;
    }

    private static Entry probe(TableFile f, byte[] lookupKey, byte[] prefix, ReadCounters counters) {
        counters.bloomChecks.increment();
        if (!f.reader().mayContain(prefix)) {
            counters.bloomNegatives.increment();
            return null;
        }
        Entry e = f.reader().ceiling(lookupKey);
        if (e == null || !InternalKey.sameLookupPrefix(e.key(), lookupKey)) {
            return null;
        }
        return e;
    }

    /** Could the file hold an entry of this (cf, user key) at or below the lookup version? */
    private static boolean mayOverlap(FileMeta m, byte[] lookupKey, int prefixLen) {
        byte[] smallest = m.smallest();
        if (Arrays.compareUnsigned(smallest, 0, smallest.length - InternalKey.TRAILER_BYTES, lookupKey, 0, prefixLen) > 0) {
            return false;
        }
        return InternalKey.COMPARATOR.compare(m.largest(), lookupKey) >= 0;
    }

    /** The one file of a sorted, non-overlapping level whose range can hold the key. */
    private static TableFile findFile(TableFile[] files, byte[] lookupKey, int prefixLen) {
        int lo = 0;
        int hi = files.length;
        while (lo < hi) { // first file whose largest >= lookupKey
            int mid = (lo + hi) >>> 1;
            if (InternalKey.COMPARATOR.compare(files[mid].meta().largest(), lookupKey) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo == files.length) {
            return null;
        }
        byte[] smallest = files[lo].meta().smallest();
        if (Arrays.compareUnsigned(smallest, 0, smallest.length - InternalKey.TRAILER_BYTES, lookupKey, 0, prefixLen) > 0) {
            return null;
        }
        return files[lo];
    }

    /** Adds the table sources newest first: each L0 file, then one lazy iterator per deeper level. */
    public void addIterators(List<InternalIterator> out) {
        for (TableFile f : tables[0]) {
            out.add(f.reader().iterator());
        }
        Function<FileMeta, InternalIterator> opener = owner::openIterator;
        for (int level = 1; level < tables.length; level++) {
            if (tables[level].length > 0) {
                List<FileMeta> files = levels.get(level);
                out.add(new LevelIterator(files, opener));
            }
        }
    }

    public long totalEntries() {
        long n = 0;
        for (TableFile[] level : tables) {
            for (TableFile f : level) {
                n += f.meta().entries();
            }
        }
        return n;
    }
}
