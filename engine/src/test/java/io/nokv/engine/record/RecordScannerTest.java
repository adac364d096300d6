package io.nokv.engine.record;

import io.nokv.engine.NoKVException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordScannerTest {
    @TempDir
    Path dir;

    @Test
    void emptyFileIsClean() throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[0]);
        RecordScanner.Result r = RecordScanner.scan(file, "record", (o, t, p) -> { });
        assertTrue(r.clean());
        assertEquals(0, r.validBytes());
    }

    @Test
    void emptyPayloadsAreRecordsToo() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(RecordFormat.frame((byte) 1, new byte[0]));
        out.write(RecordFormat.frame((byte) 2, new byte[]{7}));
        Path file = Files.write(dir.resolve("f"), out.toByteArray());
        List<Long> offsets = new ArrayList<>();
        RecordScanner.Result r = RecordScanner.scan(file, "record", (o, t, p) -> offsets.add(o));
        assertEquals(List.of(0L, 9L), offsets);
        assertTrue(r.clean());
    }

    @Test
    void zerosFollowedByAValidRecordAreCorruptionNotATornTail() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(RecordFormat.frame((byte) 1, new byte[]{1, 2, 3}));
        out.write(new byte[100]);
        out.write(RecordFormat.frame((byte) 1, new byte[]{4, 5, 6}));
        Path file = Files.write(dir.resolve("f"), out.toByteArray());
        NoKVException e = assertThrows(NoKVException.class, () -> RecordScanner.scan(file, "test record", (o, t, p) -> { }));
        assertTrue(e.getMessage().contains("corrupt test record in " + file + " at offset 12")
                && e.getMessage().contains("a valid record follows at offset 112"), e.getMessage());
    }
}
