package io.nokv.node.raft;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import io.nokv.engine.VersionedValue;
import io.nokv.node.region.RegionEpoch;
import io.nokv.node.region.RegionMeta;
import io.nokv.node.region.RegionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RegionSnapshotTest {
    static final RegionMeta REGION = new RegionMeta(7, new byte[0], k("m"), new RegionEpoch(0, 0), List.of(), RegionState.RUNNING);

    static byte[] k(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static DB open(Path dir) {
        return NoKV.open(Options.at(dir).keepVersionsUntilSafePoint(true));
    }

    static String newest(DB db, ColumnFamily cf, String key) {
        VersionedValue v = db.getVersioned(cf, k(key), Long.MAX_VALUE - 1);
        return v == null ? null : new String(v.value(), StandardCharsets.UTF_8) + "@" + v.version();
    }

    @Test
    void installReplacesTheRangeAndKeepsDeletesDeleted(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("snap");
        try (DB src = open(dir.resolve("src"))) {
            src.put(ColumnFamily.DEFAULT, k("deleted"), 5, k("old"));
            src.delete(ColumnFamily.DEFAULT, k("deleted"), 7);
            src.put(ColumnFamily.DEFAULT, k("kv"), 3, k("v3"));
            src.put(ColumnFamily.DEFAULT, k("kv"), 9, k("v9"));
            src.put(ColumnFamily.LOCK, k("lock"), 10, k("L"));
            src.delete(ColumnFamily.LOCK, k("lock"), 10);
            src.put(ColumnFamily.LOCK, k("held"), 11, k("H"));
            src.put(ColumnFamily.WRITE, k("kv"), 12, k("W"));
            src.put(ColumnFamily.DEFAULT, k("outside"), 1, k("not exported"));
            src.put(ColumnFamily.DEFAULT, ReservedKeys.appliedKey(7), 40, ReservedKeys.encodeTermIndex(2, 40));
            RegionSnapshot.export(src, REGION, 3, 42, file);
        }
        try (DB dst = open(dir.resolve("dst"))) {
            dst.put(ColumnFamily.DEFAULT, k("deleted"), 5, k("old"));       // stale: the delete must reach it
            dst.put(ColumnFamily.DEFAULT, k("astray"), 4, k("not in snapshot"));
            dst.put(ColumnFamily.LOCK, k("lock"), 10, k("L"));              // removed on the source
            dst.put(ColumnFamily.DEFAULT, k("zz"), 1, k("other region"));   // outside the range: untouched
            RegionSnapshot.Header h = RegionSnapshot.install(dst, file, ReservedKeys.appliedKey(7));
            assertEquals(42, h.index());
            assertEquals(7, h.meta().id());

            assertNull(newest(dst, ColumnFamily.DEFAULT, "deleted"));
            assertEquals("v9@9", newest(dst, ColumnFamily.DEFAULT, "kv"));
            assertEquals("v3@3", new String(dst.get(ColumnFamily.DEFAULT, k("kv"), 5), StandardCharsets.UTF_8) + "@3");
            assertNull(newest(dst, ColumnFamily.DEFAULT, "astray"));
            assertNull(newest(dst, ColumnFamily.LOCK, "lock"));
            assertEquals("H@11", newest(dst, ColumnFamily.LOCK, "held"));
            assertEquals("W@12", newest(dst, ColumnFamily.WRITE, "kv"));
            assertEquals("other region@1", newest(dst, ColumnFamily.DEFAULT, "zz"));
            VersionedValue applied = dst.getVersioned(ColumnFamily.DEFAULT, ReservedKeys.appliedKey(7), Long.MAX_VALUE - 1);
            assertNotNull(applied);
            assertArrayEquals(new long[] {3, 42}, ReservedKeys.decodeTermIndex(applied.value()));
        }
    }

    @Test
    void aCorruptSnapshotIsRefusedBeforeAnythingIsWritten(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("snap");
        try (DB src = open(dir.resolve("src"))) {
            src.put(ColumnFamily.DEFAULT, k("a"), 1, k("1"));
            RegionSnapshot.export(src, REGION, 1, 5, file);
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(file, bytes);
        try (DB dst = open(dir.resolve("dst"))) {
            dst.put(ColumnFamily.DEFAULT, k("keep"), 1, k("me"));
            IOException e = assertThrows(IOException.class, () -> RegionSnapshot.install(dst, file, ReservedKeys.appliedKey(7)));
            assertEquals(true, e.getMessage().contains("checksum"), e.getMessage());
            assertEquals("me@1", newest(dst, ColumnFamily.DEFAULT, "keep"));
        }
    }
}
