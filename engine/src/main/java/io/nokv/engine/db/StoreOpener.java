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
import java.util.TreeMap;
import io.nokv.engine.key.EntryValue;
import io.nokv.engine.vlog.ValueLog;
import io.nokv.engine.vlog.VlogFormat;
import io.nokv.engine.vlog.VlogMetadata;
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

            long[] head = VlogMetadata.head(state.metadata());
            ValueLog vlog = ValueLog.open(dir, options.vlogSegmentBytes(), head[0], head[1],
                    VlogMetadata.pendingDelete(state.metadata()));
            opened.add(vlog);
            if (!vlog.recovery().deletedPending().isEmpty()) {
                // Deleted above (a crash came between the pending-delete edit and the deletion, or
                // a reader held them until close): forget them, and their discard counts.
                TreeMap<Long, Long> discard = VlogMetadata.discard(state.metadata());
                discard.keySet().removeAll(vlog.recovery().deletedPending());
                manifest.apply(new VersionEdit().deleteMeta(VlogFormat.META_PENDING_DELETE)
                        .putMeta(VlogFormat.META_DISCARD, VlogMetadata.encodeDiscard(discard)));
            }

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
            long[] lostBatches = {0};
            try {
                replay = Wal.replay(walDir, checkpoint, payload -> {
                    if (namesLostVlogBytes(payload, vlog)) {
                        lostBatches[0]++;
                        return;
                    }
                    BatchCodec.decode(payload, (cf, key, version, kind, value) -> {
                        WritePath.insertOp(mem[0], cf, key, version, kind, value);
                        maxVersion[0] = Math.max(maxVersion[0], version);
                    });
                    if (mem[0].approximateBytes() >= options.memtableBytes()) {
                        flushReplayed(options, manifest, versions, mem[0], nextFileId[0]++, maxVersion[0], -1, null);
                        mem[0] = new Memtable(checkpoint, options.memtableBytes());
                    }
                }, true);
            } catch (NoKVException e) {
                throw new NoKVException("replaying the WAL in " + walDir + " failed: " + e.getMessage(), e);
            }
            if (lostBatches[0] > 0) {
                LOG.warning("skipped " + lostBatches[0] + " WAL records in " + walDir + " whose values the value log lost"
                        + " (unsynced writes cut short by an OS crash)");
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
                flushReplayed(options, manifest, versions, mem[0], nextFileId[0]++, maxVersion[0], firstNewSegment, vlog);
                mem[0] = new Memtable(firstNewSegment, options.memtableBytes());
                neededSegment = firstNewSegment;
            }
            Wal wal = Wal.open(walDir, options.walSegmentBytes(), firstNewSegment);
            opened.add(wal);
            wal.deleteSegmentsBefore(neededSegment); // replayed ones, or a crash came between a flush edit and the deletion

            DbImpl db = new DbImpl(options, lock, manifest, wal, vlog, versions, cache, mem[0], maxVersion[0], nextFileId[0]);
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
                                      long lastVersion, long newCheckpoint, ValueLog vlogAtEnd) {
        FileMeta meta = L0Writer.write(options.dir(), fileId, mem, SstOptions.from(options), () -> false);
        TableFile table = versions.openTable(meta);
        VersionEdit edit = new VersionEdit().addFile(meta).nextFileId(fileId + 1).lastVersion(lastVersion);
        if (newCheckpoint >= 0) {
            edit.walCheckpoint(newCheckpoint);
        }
        if (vlogAtEnd != null) {
            // Every replayed pointer is now in a table and the vlog was validated up to here.
            edit.putMeta(VlogFormat.META_HEAD, VlogMetadata.encodeHead(vlogAtEnd.activeSegment(), vlogAtEnd.activeOffset()));
        }
        try {
            manifest.apply(edit);
        } catch (RuntimeException e) {
            versions.discard(table);
            throw e;
        }
        versions.install(List.of(table), Set.of());
    }

    /**
     * True when a batch points at value-log bytes that do not exist: the vlog write came before the
     * WAL write, so after a process crash this never happens; after an OS crash an unsynced vlog
     * tail may be lost while its WAL record survived. Such a batch was never acknowledged as
     * durable and is skipped whole. A pointer into a missing segment is not lost data: GC deleted
     * the segment after moving the value, and a later record holds the new pointer.
     */
    private static boolean namesLostVlogBytes(byte[] payload, ValueLog vlog) {
        boolean[] lost = {false};
        BatchCodec.decode(payload, (cf, key, version, kind, value) -> {
            if (kind == BatchCodec.KIND_ENTRY && EntryValue.isPointer(value)) {
                int off = EntryValue.payloadOffset(value);
                if (vlog.hasSegment(VlogFormat.pointerSegment(value, off)) && !vlog.holds(value, off)) {
                    lost[0] = true;
                }
            }
        });
        return lost[0];
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
