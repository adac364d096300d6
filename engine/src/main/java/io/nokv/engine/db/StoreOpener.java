package io.nokv.engine.db;

import io.nokv.engine.DB;
import io.nokv.engine.NoKVException;
import io.nokv.engine.Options;
import io.nokv.engine.lock.DirectoryLock;
import io.nokv.engine.manifest.FileMeta;
import io.nokv.engine.manifest.Manifest;
import io.nokv.engine.manifest.ManifestState;
import io.nokv.engine.manifest.VersionEdit;
import io.nokv.engine.record.LostAndFound;
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
            long highestTableOnDisk = removeLeftovers(dir, named, manifest);

            BlockCache cache = new BlockCache(options.blockCacheBytes());
            VersionSet versions = new VersionSet(dir, cache, options.maxLevels(), manifest::afterNextEdit);
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
            // Past every table file present, named or not: an unnamed one may still be waiting for
            // deletion, and a new table must never take its name.
            long[] nextFileId = {Math.max(state.nextFileId(), highestTableOnDisk + 1)};
            for (long id : named) {
                nextFileId[0] = Math.max(nextFileId[0], id + 1);
            }
            Memtable[] mem = {new Memtable(checkpoint, options.memtableBytes())};
            long[] maxVersion = {state.lastVersion()};
            WalReplayResult replay;
            try {
                replay = Wal.replayPrefix(walDir, checkpoint, payload -> {
                    if (namesLostVlogBytes(payload, vlog)) {
                        return false;
                    }
                    BatchCodec.decode(payload, (cf, key, version, kind, value) -> {
                        WritePath.insertOp(mem[0], cf, key, version, kind, value);
                        maxVersion[0] = Math.max(maxVersion[0], version);
                    });
                    if (mem[0].approximateBytes() >= options.memtableBytes()) {
                        flushReplayed(options, manifest, versions, mem[0], nextFileId[0]++, maxVersion[0], -1, null);
                        mem[0] = new Memtable(checkpoint, options.memtableBytes());
                    }
                    return true;
                }, true);
            } catch (NoKVException e) {
                throw new NoKVException("replaying the WAL in " + walDir + " failed: " + e.getMessage(), e);
            }
            if (replay.stopped()) {
                LOG.warning("recovered " + replay.records() + " WAL records in " + walDir + "; replay ended at the first"
                        + " batch whose values the value log lost (unsynced writes cut short by an OS crash): "
                        + replay.truncatedBytes() + " bytes from there on moved to " + LostAndFound.dir(dir));
            } else if (replay.truncatedBytes() > 0) {
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
            Wal wal = Wal.open(walDir, options.walSegmentBytes(), firstNewSegment, vlog::sync);
            opened.add(wal);
            // Replayed segments, or ones a crash kept: gone once an edit after the one that retired them is durable.
            long deleteBefore = neededSegment;
            manifest.afterNextEdit(() -> wal.deleteSegmentsBefore(deleteBefore));

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
     * durable (every WAL fsync syncs the vlog first), and neither was any later one: replay ends
     * there, since applying later batches without it would not be a prefix of the writes (a Raft
     * replica would hold entry N+1 without N, and the log would never send N again). A pointer into a missing segment is not lost data: GC deleted
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

    /**
     * Temp files of interrupted writes are removed (never named by anything). A table the manifest
     * does not name is garbage only if the manifest is whole: its install edit never became durable,
     * or an edit retired it. Even then it is deleted only once a later edit is durable (while the
     * retiring edit is the last one, damage to it would need the file back). When open had to cut a
     * torn last edit, that edit may have named the table: it goes to lost+found instead.
     *
     * @return the highest table id found on disk, 0 when none
     */
    private static long removeLeftovers(Path dir, Set<Long> named, Manifest manifest) throws IOException {
        long highest = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    LOG.fine("removing temp file " + p + " left by an interrupted write");
                    Files.deleteIfExists(p);
                    continue;
                }
                Matcher m = SST_NAME.matcher(name);
                if (!m.matches()) {
                    continue;
                }
                long id = Long.parseLong(m.group(1));
                highest = Math.max(highest, id);
                if (named.contains(id)) {
                    continue;
                }
                if (manifest.truncatedAtOpen() > 0) {
                    LostAndFound.move(dir, p, "table not named by the manifest, whose torn last edit ("
                            + manifest.truncatedAtOpen() + " bytes) was cut at open and may have named it");
                } else {
                    manifest.afterNextEdit(() -> {
                        try {
                            Files.deleteIfExists(p);
                            LOG.fine("removed table " + p + " that no manifest edit names");
                        } catch (IOException e) {
                            throw new NoKVException("cannot remove unnamed table " + p + ": " + e, e);
                        }
                    });
                }
            }
        }
        return highest;
    }
}
