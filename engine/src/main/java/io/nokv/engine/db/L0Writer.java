package io.nokv.engine.db;

import io.nokv.engine.iterator.InternalIterator;
import io.nokv.engine.manifest.FileMeta;
import io.nokv.engine.memtable.Memtable;
import io.nokv.engine.sst.SstOptions;
import io.nokv.engine.sst.SstProperties;
import io.nokv.engine.sst.SstWriter;
import io.nokv.engine.version.VersionSet;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/** Writes a memtable as one L0 table (temp name, fsync, rename: see {@link SstWriter}). */
final class L0Writer {
    private L0Writer() {
    }

    /** @return the new table's metadata, or null when {@code stop} turned true mid-way (temp file removed) */
    static FileMeta write(Path dir, long fileId, Memtable mem, SstOptions options, BooleanSupplier stop) {
        Path path = VersionSet.sstPath(dir, fileId);
        try (SstWriter writer = new SstWriter(path, options)) {
            InternalIterator it = mem.iterator();
            it.seekToFirst();
            int n = 0;
            while (it.valid()) {
                writer.add(it.key(), it.value());
                it.next();
                if ((++n & 4095) == 0 && stop.getAsBoolean()) {
                    writer.abort();
                    return null;
                }
            }
            SstProperties p = writer.finish();
            return new FileMeta(fileId, 0, p.fileSize(), p.smallest(), p.largest(), p.minVersion(), p.maxVersion(),
                    p.entries(), p.tombstones());
        }
    }
}
