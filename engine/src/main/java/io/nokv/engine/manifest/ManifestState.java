package io.nokv.engine.manifest;

import io.nokv.engine.key.InternalKey;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable view of everything the manifest records. L0 is sorted by file id ascending (so
 * newest last); deeper levels by smallest key. {@link #levels()} always has at least
 * {@link #MIN_LEVELS} entries and covers every populated level; {@link #level(int)} answers an
 * empty list for any level beyond.
 */
public final class ManifestState {
    public static final int MIN_LEVELS = 7;
    /** A sanity bound: a level beyond this can only come from a bug or a corrupt edit. */
    public static final int MAX_LEVELS = 64;

    private static final Comparator<FileMeta> L0_ORDER = Comparator.comparingLong(FileMeta::id);
    private static final Comparator<FileMeta> DEEPER_ORDER =
            Comparator.comparing(FileMeta::smallest, InternalKey.COMPARATOR).thenComparingLong(FileMeta::id);

    private final List<List<FileMeta>> levels;
    private final long nextFileId;
    private final long lastVersion;
    private final long walCheckpoint;
    private final long safePoint;
    private final Map<String, byte[]> metadata;
    private final String manifestFileName;

    private ManifestState(List<List<FileMeta>> levels, long nextFileId, long lastVersion, long walCheckpoint,
                          long safePoint, Map<String, byte[]> metadata, String manifestFileName) {
        this.levels = levels;
        this.nextFileId = nextFileId;
        this.lastVersion = lastVersion;
        this.walCheckpoint = walCheckpoint;
        this.safePoint = safePoint;
        this.metadata = metadata;
        this.manifestFileName = manifestFileName;
    }

    /** The state of a new store: no files, file ids from 1, every WAL segment needed. */
    static ManifestState empty(String manifestFileName) {
        List<List<FileMeta>> levels = new ArrayList<>();
        for (int i = 0; i < MIN_LEVELS; i++) {
            levels.add(List.of());
        }
        return new ManifestState(List.copyOf(levels), 1, 0, 0, 0, Collections.emptyMap(), manifestFileName);
    }

    /**
     * The state after {@code edit}.
     *
     * @throws IllegalStateException when the edit deletes a file that is not in the named level or
     *                               adds an id that is already live (the caller has a bug)
     */
    ManifestState apply(VersionEdit edit) {
        List<List<FileMeta>> next = new ArrayList<>(levels);
        boolean[] touched = new boolean[MAX_LEVELS];
        for (VersionEdit.DeletedFile deleted : edit.deletedFiles()) {
            int level = checkLevel(deleted.level(), deleted.fileId());
            List<FileMeta> files = mutableLevel(next, touched, level);
            if (!files.removeIf(f -> f.id() == deleted.fileId())) {
                throw new IllegalStateException("cannot delete file " + deleted.fileId() + " from L" + level
                        + ": it is not in that level");
            }
        }
        long maxAddedId = 0;
        for (FileMeta added : edit.addedFiles()) {
            int level = checkLevel(added.level(), added.id());
            int holder = levelHolding(next, added.id());
            if (holder >= 0) {
                throw new IllegalStateException("cannot add file " + added.id() + " to L" + level
                        + ": that id is already live in L" + holder);
            }
            mutableLevel(next, touched, level).add(added);
            maxAddedId = Math.max(maxAddedId, added.id());
        }
        for (int level = 0; level < next.size(); level++) {
            if (touched[level]) {
                List<FileMeta> files = next.get(level);
                files.sort(level == 0 ? L0_ORDER : DEEPER_ORDER);
                next.set(level, Collections.unmodifiableList(files));
            }
        }
        Map<String, byte[]> meta = metadata;
        if (!edit.metaChanges().isEmpty()) {
            TreeMap<String, byte[]> changed = new TreeMap<>(metadata);
            for (VersionEdit.MetaChange change : edit.metaChanges()) {
                if (change.isDelete()) {
                    changed.remove(change.key());
                } else {
                    changed.put(change.key(), change.value());
                }
            }
            meta = Collections.unmodifiableMap(changed);
        }
        // A file id must never be handed out twice, even if the caller forgot to persist the counter.
        long nextId = Math.max(edit.nextFileId().orElse(nextFileId), maxAddedId + 1);
        return new ManifestState(Collections.unmodifiableList(next), nextId,
                edit.lastVersion().orElse(lastVersion), edit.walCheckpoint().orElse(walCheckpoint),
                edit.safePoint().orElse(safePoint), meta, manifestFileName);
    }

    private static int checkLevel(int level, long fileId) {
        if (level < 0 || level >= MAX_LEVELS) {
            throw new IllegalStateException("file " + fileId + " names level " + level + ", outside 0.." + (MAX_LEVELS - 1));
        }
        return level;
    }

    private static List<FileMeta> mutableLevel(List<List<FileMeta>> levels, boolean[] touched, int level) {
        while (levels.size() <= level) {
            levels.add(List.of());
        }
        if (!touched[level]) {
            levels.set(level, new ArrayList<>(levels.get(level)));
            touched[level] = true;
        }
        return levels.get(level);
    }

    private static int levelHolding(List<List<FileMeta>> levels, long fileId) {
        for (int level = 0; level < levels.size(); level++) {
            for (FileMeta f : levels.get(level)) {
                if (f.id() == fileId) {
                    return level;
                }
            }
        }
        return -1;
    }

    ManifestState inFile(String fileName) {
        return new ManifestState(levels, nextFileId, lastVersion, walCheckpoint, safePoint, metadata, fileName);
    }

    /** One edit that rebuilds this whole state from nothing: the first record of every manifest file. */
    VersionEdit toSnapshotEdit() {
        VersionEdit edit = new VersionEdit()
                .nextFileId(nextFileId).lastVersion(lastVersion).walCheckpoint(walCheckpoint).safePoint(safePoint);
        for (List<FileMeta> level : levels) {
            level.forEach(edit::addFile);
        }
        metadata.forEach(edit::putMeta);
        return edit;
    }

    public List<List<FileMeta>> levels() {
        return levels;
    }

    public List<FileMeta> level(int level) {
        return level < levels.size() ? levels.get(level) : List.of();
    }

    public int fileCount() {
        return levels.stream().mapToInt(List::size).sum();
    }

    public long nextFileId() {
        return nextFileId;
    }

    public long lastVersion() {
        return lastVersion;
    }

    public long walCheckpoint() {
        return walCheckpoint;
    }

    public long safePoint() {
        return safePoint;
    }

    /** Store metadata (the node layer's region catalog lives here). Do not modify the arrays. */
    public Map<String, byte[]> metadata() {
        return metadata;
    }

    /** The manifest log this state was read from or last written to, e.g. {@code MANIFEST-000003}. */
    public String manifestFileName() {
        return manifestFileName;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("ManifestState{").append(manifestFileName);
        for (int level = 0; level < levels.size(); level++) {
            if (!levels.get(level).isEmpty()) {
                s.append(" L").append(level).append('=').append(levels.get(level).size());
            }
        }
        return s.append(" nextFileId=").append(nextFileId).append(" lastVersion=").append(lastVersion)
                .append(" walCheckpoint=").append(walCheckpoint).append(" safePoint=").append(safePoint)
                .append(" meta=").append(metadata.keySet()).append('}').toString();
    }
}
