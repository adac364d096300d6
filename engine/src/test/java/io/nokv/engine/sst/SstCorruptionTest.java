package io.nokv.engine.sst;

import io.nokv.engine.NoKVException;
import io.nokv.engine.Options;
import io.nokv.engine.iterator.InternalIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.NavigableMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SstCorruptionTest {
    private static final Pattern CORRUPT_AT = Pattern.compile("corrupt block in (\\S+) at offset (\\d+): ");

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Options.Compression.class)
    void flippedDataByteFailsEveryReadNamingFileAndBlockOffset(Options.Compression compression) throws IOException {
        NavigableMap<byte[], byte[]> entries = SstFixtures.randomEntries(11, 2_000);
        Path path = dir.resolve("000001.sst");
        long size = SstFixtures.write(path, SstFixtures.options(1024, 10, compression), entries).fileSize();
        long flipped = size / 3; // well inside the data blocks
        flip(path, flipped);

        BlockCache cache = new BlockCache(1 << 20);
        try (SstReader reader = SstReader.open(path, 1, cache)) {
            // Scan until the damaged block is reached; twice, so a bad block is never cached.
            for (int round = 0; round < 2; round++) {
                NoKVException e = assertThrows(NoKVException.class, () -> {
                    try (InternalIterator it = reader.iterator()) {
                        for (it.seekToFirst(); it.valid(); it.next()) {
                            it.value();
                        }
                    }
                });
                assertNamesBlockHolding(e, path, flipped);
            }
            NoKVException e = assertThrows(NoKVException.class, () -> {
                for (byte[] key : entries.keySet()) {
                    reader.ceiling(key);
                }
            });
            assertNamesBlockHolding(e, path, flipped);
        }
    }

    @Test
    void flippedIndexByteFailsOpen() throws IOException {
        Path path = dir.resolve("000002.sst");
        long size = SstFixtures.write(path, SstFixtures.options(1024, 0, Options.Compression.NONE),
                SstFixtures.randomEntries(12, 500)).fileSize();
        flip(path, size - Footer.BYTES - BlockCodec.TRAILER_BYTES - 10); // the index block is written last
        NoKVException e = assertThrows(NoKVException.class, () -> SstReader.open(path, 2, null));
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
    }

    /** Cuts at the very end, in the footer, in the middle, near the start, and to nothing. */
    @ParameterizedTest
    @ValueSource(ints = {1, 30, 2000, 60_000, 100_000_000})
    void truncatedFileFailsOpenNamingIt(int bytesCut) throws IOException {
        Path path = dir.resolve("000003.sst");
        long size = SstFixtures.write(path, SstFixtures.options(4096, 10, Options.Compression.NONE),
                SstFixtures.randomEntries(13, 2_000)).fileSize();
        byte[] all = Files.readAllBytes(path);
        Files.write(path, Arrays.copyOf(all, (int) Math.max(0, size - bytesCut)));
        NoKVException e = assertThrows(NoKVException.class, () -> SstReader.open(path, 3, null));
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
    }

    /** Each byte of the footer: handles, format version, magic and its own checksum. */
    @Test
    void anyFlippedFooterByteFailsOpen() throws IOException {
        Path path = dir.resolve("000004.sst");
        long size = SstFixtures.write(path, SstFixtures.options(4096, 10, Options.Compression.NONE),
                SstFixtures.randomEntries(14, 200)).fileSize();
        for (int i = 0; i < Footer.BYTES; i++) {
            flip(path, size - Footer.BYTES + i);
            NoKVException e = assertThrows(NoKVException.class, () -> SstReader.open(path, 4, null), "footer byte " + i);
            assertTrue(e.getMessage().contains("bad footer in " + path), e.getMessage());
            flip(path, size - Footer.BYTES + i);
        }
        SstReader.open(path, 4, null).close(); // restored: opens again
    }

    @Test
    void missingFileFailsOpenNamingIt() {
        Path path = dir.resolve("000005.sst");
        NoKVException e = assertThrows(NoKVException.class, () -> SstReader.open(path, 5, null));
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
    }

    private static void assertNamesBlockHolding(NoKVException e, Path path, long flippedByte) {
        Matcher m = CORRUPT_AT.matcher(e.getMessage());
        assertTrue(m.find(), e.getMessage());
        assertTrue(m.group(1).equals(path.toString()), e.getMessage());
        long blockOffset = Long.parseLong(m.group(2));
        assertTrue(blockOffset <= flippedByte && flippedByte < blockOffset + 4096, e.getMessage());
    }

    private static void flip(Path path, long offset) throws IOException {
        byte[] all = Files.readAllBytes(path);
        all[(int) offset] ^= 0x20;
        Files.write(path, all);
    }
}
