package io.nokv.engine.manifest;

import io.nokv.engine.NoKVException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VersionEditCodecTest {
    @Test
    void roundTripsEveryField() {
        VersionEdit edit = new VersionEdit()
                .deleteFile(2, 17).addFile(ManifestTest.file(18, 3, "a", "q"))
                .walCheckpoint(4).nextFileId(19).lastVersion(Long.MAX_VALUE - 1).safePoint(-1)
                .putMeta("région", new byte[]{1, 2}).deleteMeta("old").putMeta("empty", new byte[0]);
        VersionEdit back = VersionEditCodec.decode(VersionEditCodec.encode(edit), Path.of("x"), 0);
        assertEquals(edit.toString(), back.toString());
        FileMeta a = edit.addedFiles().get(0);
        FileMeta b = back.addedFiles().get(0);
        assertArrayEquals(a.smallest(), b.smallest());
        assertArrayEquals(a.largest(), b.largest());
        assertEquals(Arrays.asList(a.id(), a.level(), a.size(), a.minVersion(), a.maxVersion(), a.entries(), a.tombstones()),
                Arrays.asList(b.id(), b.level(), b.size(), b.minVersion(), b.maxVersion(), b.entries(), b.tombstones()));
        assertEquals(edit.deletedFiles(), back.deletedFiles());
        assertEquals("région", back.metaChanges().get(0).key());
        assertTrue(back.metaChanges().get(1).isDelete());
    }

    @Test
    void truncatedBodyIsAnErrorNamingFileAndOffset() {
        byte[] encoded = VersionEditCodec.encode(new VersionEdit().addFile(ManifestTest.file(1, 0, "a", "b")));
        NoKVException e = assertThrows(NoKVException.class,
                () -> VersionEditCodec.decode(Arrays.copyOf(encoded, encoded.length - 3), Path.of("MANIFEST-000009"), 77));
        assertTrue(e.getMessage().contains("MANIFEST-000009 at offset 77"), e.getMessage());
    }
}
