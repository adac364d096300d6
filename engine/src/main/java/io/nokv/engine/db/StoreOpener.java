package io.nokv.engine.db;

import io.nokv.engine.DB;
import io.nokv.engine.NoKVException;
import io.nokv.engine.Options;
import io.nokv.engine.lock.DirectoryLock;
import io.nokv.engine.manifest.FileMeta;
import io.nokv.engine.manifest.Manifest;
import io.nokv.engine.manifest.ManifestState;
import io.nokv.engine.manifest.VersionEdit;
import io.nokv.engine.sst.SstOptions;
import io.nokv.engine.version.TableFile;
import io.nokv.engine.memtable.Memtable;
import io.nokv.engine.sst.BlockCache;
import io.nokv.engine.version.VersionSet;
import io.nokv.engine.wal.Wal;
import io.nokv.engine.wal.WalReplayResult;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opening a store = recovering it: lock, manifest, drop what a crash left half-done (temp files,
 * tables the manifest never named), open every named table, replay the WAL from the checkpoint
 * into a fresh memtable, and start a new WAL segment. No step ever needs a human.
 */
public final class StoreOpener {
    private static final Logger LOG = Logger.getLogger(StoreOpener.class.getName());
    private static final Pattern SST_NAME = Pattern.compile("(\\d+)\\.sst");

    private StoreOpener() {
    }

    public static DB open(Options options) {
        options.validate();
        Path dir = options.dir();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new NoKVException("cannot create store directory " + dir + ": " + e, e);
        }
        AutoCloseable lock = DirectoryLock.acquire(dir);
        List<AutoCloseable> opened = new ArrayList<>();
        opened.add(lock);
        try {
            Manifest manifest = Manifest.open(dir, options.manifestRewriteBytes());
            opened.add(manifest);
            ManifestState state = manifest.current();
            Set<Long> named = namedFiles(state, options, dir);
            removeLeftovers(dir, named);

            BlockCache cache = new BlockCache(options.blockCacheBytes());
            VersionSet versions = new VersionSet(dir, cache, options.maxLevels());
            opened.add(versions);
            versions.load(state.levels());

            Path walDir = dir.resolve("wal");
            Files.createDirectories(walDir);
            long checkpoint = state.walCheckpoint();
            long[] nextFileId = {state.nextFileId()};
            for (long id : named) {
                nextFileId[0] = Math.max(nextFileId[0], id + 1);
            }
            Memtable[] mem = {new Memtable(checkpoint, options.memtableBytes())};
            long[] maxVersion = {state.lastVersion()};
            WalReplayResult replay;
            try {
                replay = Wal.replay(walDir, checkpoint, payload -> {
                    BatchCodec.decode(payload, (cf, key, version, delete, value) -> {
                        WritePath.insertOp(mem[0], cf, key, version, delete ? null : value);
                        maxVersion[0] = Math.max(maxVersion[0], version);
                    });
                    if (mem[0].approximateBytes() >= options.memtableBytes()) {
                        flushReplayed(options, manifest, versions, mem[0], nextFileId[0]++, maxVersion[0], -1);
                        mem[0] = new Memtable(checkpoint, options.memtableBytes());
                    }
                }, true);
            } catch (NoKVException e) {
                throw new NoKVException("replaying the WAL in " + walDir + " failed: " + e.getMessage(), e);
            }
            if (replay.truncatedBytes() > 0) {
                LOG.warning("recovered " + replay.records() + " WAL records in " + walDir + " after truncating a torn tail of "
                        + replay.truncatedBytes() + " bytes (the write in progress when the process stopped)");
            } else {
                LOG.fine(() -> "recovered " + replay.records() + " WAL records in " + walDir);
            }
            long firstNewSegment = Math.max(Math.max(1, checkpoint), replay.lastSegment() + 1);
            long neededSegment = checkpoint;
            if (!mem[0].isEmpty()) {
                // Like RocksDB: recovered data goes to L0 before the store opens, so the next
                // recovery starts from here and reads start without a big memtable in front.
                flushReplayed(options, manifest, versions, mem[0], nextFileId[0]++, maxVersion[0], firstNewSegment);
                mem[0] = new Memtable(firstNewSegment, options.memtableBytes());
                neededSegment = firstNewSegment;
            }
            Wal wal = Wal.open(walDir, options.walSegmentBytes(), firstNewSegment);
            opened.add(wal);
            wal.deleteSegmentsBefore(neededSegment); // replayed ones, or a crash came between a flush edit and the deletion

            DbImpl db = new DbImpl(options, lock, manifest, wal, versions, cache, mem[0], maxVersion[0], nextFileId[0]);
            db.start();
            return db;
        } catch (Throwable t) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception e) {
                    t.addSuppressed(e);
                }
            }
            if (t instanceof NoKVException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new NoKVException("cannot open store " + dir + ": " + t, t);
        }
    }

    /**
     * Writes replayed entries to L0. While replay goes on (a WAL longer than a memtable: several
     * were waiting for flush at the crash) the WAL checkpoint cannot move, since replay does not
     * say where segments end: a crash then only means the same entries are replayed and written
     * again, which changes nothing. At the end of replay it moves past every replayed segment.
     *
     * @param newCheckpoint the first segment after the replayed ones, or -1 to leave the checkpoint
     */
    private static void flushReplayed(Options options, Manifest manifest, VersionSet versions, Memtable mem, long fileId,
                                      long lastVersion, long newCheckpoint) {
        FileMeta meta = L0Writer.write(options.dir(), fileId, mem, SstOptions.from(options), () -> false);
        TableFile table = versions.openTable(meta);
        VersionEdit edit = new VersionEdit().addFile(meta).nextFileId(fileId + 1).lastVersion(lastVersion);
        if (newCheckpoint >= 0) {
            edit.walCheckpoint(newCheckpoint);
        }
        try {
            manifest.apply(edit);
        } catch (RuntimeException e) {
            versions.discard(table);
            throw e;
        }
        versions.install(List.of(table), Set.of());
    }

    private static Set<Long> namedFiles(ManifestState state, Options options, Path dir) {
        Set<Long> named = new HashSet<>();
        List<List<FileMeta>> levels = state.levels();
        for (int level = 0; level < levels.size(); level++) {
            for (FileMeta f : levels.get(level)) {
                if (f.level() >= options.maxLevels()) {
                    throw new NoKVException("manifest " + state.manifestFileName() + " in " + dir + " names file "
                            + f.id() + " at level " + f.level() + " but Options.maxLevels is " + options.maxLevels());
                }
                named.add(f.id());
            }
        }
        return named;
    }

    /** Temp files of interrupted writes and tables whose install edit never became durable. */
    private static void removeLeftovers(Path dir, Set<Long> named) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                Matcher m = SST_NAME.matcher(name);
                boolean orphanTable = m.matches() && !named.contains(Long.parseLong(m.group(1)));
                if (name.endsWith(".tmp") || orphanTable) {
                    LOG.fine("removing " + (orphanTable ? "orphan table " : "temp file ") + p + " left by an interrupted write");
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
