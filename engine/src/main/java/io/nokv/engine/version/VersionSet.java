package io.nokv.engine.version;

import io.nokv.engine.NoKVException;
import io.nokv.engine.iterator.InternalIterator;
import io.nokv.engine.key.InternalKey;
import io.nokv.engine.manifest.FileMeta;
import io.nokv.engine.sst.BlockCache;
import io.nokv.engine.sst.SstReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The current {@link Version} and the table cache of open readers behind all live versions.
 * {@link #install} is called by one thread at a time (the DB serialises manifest edits); reads of
 * {@link #current()} and version pinning are lock-free.
 */
public final class VersionSet implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(VersionSet.class.getName());
    private static final Comparator<TableFile> BY_SMALLEST =
            (a, b) -> InternalKey.COMPARATOR.compare(a.meta().smallest(), b.meta().smallest());
    private static final Comparator<TableFile> NEWEST_FIRST =
            (a, b) -> Long.compare(b.meta().id(), a.meta().id());

    private final Path dir;
    private final BlockCache blockCache;
    private final int maxLevels;
    private final Map<Long, TableFile> open = new HashMap<>(); // guarded by this
    private volatile Version current;
    private volatile boolean closed;
    /** Schedules the deletion of a retired table file (see {@link #VersionSet(Path, BlockCache, int, Consumer)}). */
    private final Consumer<Runnable> retiredFileDeletion;

    public VersionSet(Path dir, BlockCache blockCache, int maxLevels) {
        this(dir, blockCache, maxLevels, Runnable::run);
    }

    /**
     * @param retiredFileDeletion runs or schedules the deletion of a table file that an edit retired
     *                            and no version uses any more; the DB passes
     *                            {@link io.nokv.engine.manifest.Manifest#afterNextEdit}, so a retired
     *                            table survives until the edit that retired it is no longer the last
     */
    public VersionSet(Path dir, BlockCache blockCache, int maxLevels, Consumer<Runnable> retiredFileDeletion) {
        this.dir = dir;
        this.blockCache = blockCache;
        this.maxLevels = maxLevels;
        this.retiredFileDeletion = retiredFileDeletion;
    }

    public static Path sstPath(Path dir, long fileId) {
        return dir.resolve(String.format("%06d.sst", fileId));
    }

    /** Opens every table the manifest names; a missing or unreadable one fails the open, naming it. */
    public void load(List<List<FileMeta>> levels) {
        List<TableFile> all = new ArrayList<>();
        for (List<FileMeta> level : levels) {
            for (FileMeta m : level) {
                all.add(openTable(m));
            }
        }
        install(all, Set.of());
    }

    /** Opens the reader of a table about to be installed (before the manifest edit, so a bad file never gets in). */
    public TableFile openTable(FileMeta meta) {
        Path path = sstPath(dir, meta.id());
        if (!Files.exists(path)) {
            throw new NoKVException("SST file " + path + " named by the manifest (level " + meta.level()
                    + ") is missing; restore it from a backup or replica");
        }
        SstReader reader;
        try {
            reader = SstReader.open(path, meta.id(), blockCache);
        } catch (NoKVException e) {
            throw new NoKVException("cannot open SST file " + path + " named by the manifest: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new NoKVException("cannot open SST file " + path + " named by the manifest: " + e, e);
        }
        return new TableFile(meta, reader);
    }

    /** Closes a table opened by {@link #openTable} that never made it into a version, deleting its file. */
    public void discard(TableFile table) {
        closeQuietly(table);
        deleteQuietly(sstPath(dir, table.meta().id()));
    }

    public Version current() {
        return current;
    }

    /** The current version, pinned; the caller must {@link Version#unref()} it. */
    public Version acquire() {
        for (;;) {
            Version v = current;
            if (v.tryRef()) {
                return v;
            }
            if (closed) { // the last version died with close(): don't spin on it
                throw new NoKVException("store " + dir + " is closed");
            }
        }
    }

    /** Builds and installs the version after an edit that is already durable in the manifest. */
    public synchronized Version install(Collection<TableFile> added, Set<Long> deletedIds) {
        if (closed) {
            throw new NoKVException("store is closed");
        }
        List<List<TableFile>> levels = new ArrayList<>(maxLevels);
        for (int i = 0; i < maxLevels; i++) {
            levels.add(new ArrayList<>());
        }
        Version old = current;
        if (old != null) {
            for (TableFile[] level : old.tables()) {
                for (TableFile f : level) {
                    if (deletedIds.contains(f.meta().id())) {
                        f.obsolete = true;
                    } else {
                        levels.get(f.meta().level()).add(f);
                    }
                }
            }
        }
        for (TableFile f : added) {
            open.put(f.meta().id(), f);
            levels.get(f.meta().level()).add(f);
        }
        TableFile[][] tables = new TableFile[maxLevels][];
        for (int i = 0; i < maxLevels; i++) {
            List<TableFile> files = levels.get(i);
            files.sort(i == 0 ? NEWEST_FIRST : BY_SMALLEST);
            tables[i] = files.toArray(new TableFile[0]);
            for (TableFile f : tables[i]) {
                f.versionRefs++;
            }
        }
        Version next = new Version(this, tables);
        current = next;
        if (old != null) {
            old.unref();
        }
        return next;
    }

    InternalIterator openIterator(FileMeta meta) {
        TableFile f;
        synchronized (this) {
            f = open.get(meta.id());
        }
        if (f == null) {
            throw new NoKVException("SST file " + sstPath(dir, meta.id()) + " is not open (internal error)");
        }
        return f.reader().iterator();
    }

    /** An iterator over a table of a pinned version (compaction inputs). */
    public InternalIterator iterator(FileMeta meta) {
        return openIterator(meta);
    }

    synchronized void versionDied(Version v) {
        for (TableFile[] level : v.tables()) {
            for (TableFile f : level) {
                if (--f.versionRefs == 0) {
                    open.remove(f.meta().id());
                    closeQuietly(f);
                    if (f.obsolete) {
                        blockCache.evictFile(f.meta().id());
                        Path retired = sstPath(dir, f.meta().id());
                        retiredFileDeletion.accept(() -> deleteQuietly(retired));
                    }
                }
            }
        }
    }

    /** Drops the set's own reference; tables still pinned by open iterators close when those do. */
    @Override
    public void close() {
        Version v;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            v = current;
        }
        if (v != null) {
            v.unref();
        }
    }

    private static void closeQuietly(TableFile f) {
        try {
            f.reader().close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "closing " + f.reader().path() + " failed", e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot delete obsolete file " + p + "; it is removed at the next open", e);
        }
    }
}
