package io.nokv.engine.manifest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One atomic change to the manifest: files added and deleted, scalar counters, store metadata.
 * Applied as a whole by {@link Manifest#apply}: deletions first, then additions (so moving a file
 * to another level is a delete plus an add of the same id), then metadata changes in call order.
 * Scalars not set keep their value.
 */
public final class VersionEdit {
    /** A file removed from a level. */
    public record DeletedFile(int level, long fileId) {
    }

    /** A metadata key set to {@code value}, or removed when {@code value} is null. */
    public record MetaChange(String key, byte[] value) {
        public boolean isDelete() {
            return value == null;
        }
    }

    private final List<FileMeta> addedFiles = new ArrayList<>();
    private final List<DeletedFile> deletedFiles = new ArrayList<>();
    private final List<MetaChange> metaChanges = new ArrayList<>();
    private Long walCheckpoint;
    private Long nextFileId;
    private Long lastVersion;
    private Long safePoint;

    public VersionEdit addFile(FileMeta file) {
        addedFiles.add(Objects.requireNonNull(file, "file"));
        return this;
    }

    public VersionEdit deleteFile(int level, long fileId) {
        deletedFiles.add(new DeletedFile(level, fileId));
        return this;
    }

    /** The first WAL segment still needed: every older segment's data is in SSTs. */
    public VersionEdit walCheckpoint(long firstNeededSegment) {
        walCheckpoint = firstNeededSegment;
        return this;
    }

    public VersionEdit nextFileId(long id) {
        nextFileId = id;
        return this;
    }

    public VersionEdit lastVersion(long version) {
        lastVersion = version;
        return this;
    }

    public VersionEdit safePoint(long version) {
        safePoint = version;
        return this;
    }

    public VersionEdit putMeta(String key, byte[] value) {
        metaChanges.add(new MetaChange(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value").clone()));
        return this;
    }

    public VersionEdit deleteMeta(String key) {
        metaChanges.add(new MetaChange(Objects.requireNonNull(key, "key"), null));
        return this;
    }

    public List<FileMeta> addedFiles() {
        return Collections.unmodifiableList(addedFiles);
    }

    public List<DeletedFile> deletedFiles() {
        return Collections.unmodifiableList(deletedFiles);
    }

    public List<MetaChange> metaChanges() {
        return Collections.unmodifiableList(metaChanges);
    }

    public OptionalLong walCheckpoint() {
        return optional(walCheckpoint);
    }

    public OptionalLong nextFileId() {
        return optional(nextFileId);
    }

    public OptionalLong lastVersion() {
        return optional(lastVersion);
    }

    public OptionalLong safePoint() {
        return optional(safePoint);
    }

    public boolean isEmpty() {
        return addedFiles.isEmpty() && deletedFiles.isEmpty() && metaChanges.isEmpty()
                && walCheckpoint == null && nextFileId == null && lastVersion == null && safePoint == null;
    }

    private static OptionalLong optional(Long value) {
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("VersionEdit{");
        for (DeletedFile d : deletedFiles) {
            s.append(" -L").append(d.level()).append('/').append(d.fileId());
        }
        for (FileMeta f : addedFiles) {
            s.append(" +L").append(f.level()).append('/').append(f.id());
        }
        appendScalar(s, "walCheckpoint", walCheckpoint);
        appendScalar(s, "nextFileId", nextFileId);
        appendScalar(s, "lastVersion", lastVersion);
        appendScalar(s, "safePoint", safePoint);
        for (MetaChange m : metaChanges) {
            s.append(m.isDelete() ? " -meta:" : " +meta:").append(m.key());
            if (!m.isDelete()) {
                s.append('(').append(m.value().length).append(" bytes)");
            }
        }
        return s.append(" }").toString();
    }

    private static void appendScalar(StringBuilder s, String name, Long value) {
        if (value != null) {
            s.append(' ').append(name).append('=').append(value);
        }
    }
}
