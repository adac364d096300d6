package io.nokv.engine.version;

import io.nokv.engine.manifest.FileMeta;
import io.nokv.engine.sst.SstReader;

/**
 * One open SST and how many live {@link Version}s name it. The count is guarded by the owning
 * {@link VersionSet}; when it drops to zero the reader is closed, and the file is deleted if an
 * installed edit removed it (the manifest no longer names it).
 */
public final class TableFile {
    private final FileMeta meta;
    private final SstReader reader;
    int versionRefs;
    boolean obsolete;

    TableFile(FileMeta meta, SstReader reader) {
        this.meta = meta;
        this.reader = reader;
    }

    public FileMeta meta() {
        return meta;
    }

    public SstReader reader() {
        return reader;
    }
}
