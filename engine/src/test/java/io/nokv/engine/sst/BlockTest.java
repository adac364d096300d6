package io.nokv.engine.sst;

import io.nokv.engine.NoKVException;
import io.nokv.engine.key.InternalKey;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The block layout itself: prefix compression, restart points, and entries a checksum cannot vouch for. */
class BlockTest {
    private static final Path FILE = Path.of("000009.sst");

    @Test
    void sharedPrefixesAreStoredOnceAndRestartsEverySixteenEntries() {
        BlockBuilder b = new BlockBuilder(4096);
        byte[][] keys = new byte[40][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = InternalKey.encode(0, String.format("a-long-common-prefix-%04d", i).getBytes(), 1);
            b.add(keys[i], new byte[]{(byte) i});
        }
        ByteSink sink = b.finish();
        Block block = new Block(sink.array(), sink.size(), FILE, 0);
        assertEquals(3, block.restartCount); // entries 0, 16, 32
        assertTrue(sink.size() < keys.length * keys[0].length / 2, "prefix compression: " + sink.size() + " bytes");
        BlockCursor c = block.cursor();
        c.seekToFirst();
        for (int i = 0; i < keys.length; i++, c.next()) {
            assertArrayEquals(keys[i], c.key());
            assertArrayEquals(new byte[]{(byte) i}, c.value());
        }
        assertFalse(c.valid());
    }

    @Test
    void malformedEntryNamesFileAndBlockOffset() {
        BlockBuilder b = new BlockBuilder(4096);
        b.add(InternalKey.encode(0, "k".getBytes(), 1), new byte[]{1});
        ByteSink sink = b.finish();
        byte[] data = Arrays.copyOf(sink.array(), sink.size());
        data[1] = 100; // unshared key length past the block's end
        Block block = new Block(data, data.length, FILE, 8192);
        NoKVException e = assertThrows(NoKVException.class, () -> block.cursor().seekToFirst());
        assertTrue(e.getMessage().startsWith("corrupt block in 000009.sst at offset 8192: "), e.getMessage());
    }

    @Test
    void badRestartArrayIsRejected() {
        byte[] data = new byte[12];
        Bytes.putIntLE(data, 8, 1000);
        assertThrows(IllegalArgumentException.class, () -> new Block(data, data.length, FILE, 0));
    }
}
