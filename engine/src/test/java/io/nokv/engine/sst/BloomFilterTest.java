package io.nokv.engine.sst;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.Options;
import io.nokv.engine.key.EntryValue;
import io.nokv.engine.key.InternalKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BloomFilterTest {
    private static final int KEYS = 100_000;

    @TempDir
    Path dir;

    @Test
    void noFalseNegativesAndFewFalsePositivesAtTenBitsPerKey() {
        Path path = dir.resolve("000001.sst");
        try (SstWriter w = new SstWriter(path, new SstOptions(4096, 10, Options.Compression.NONE))) {
            for (int i = 0; i < KEYS; i++) {
                // Even numbers only, so odd ones are absent keys of the same shape.
                w.add(InternalKey.encode((int) (3L * i / KEYS), user(2L * i), 7), EntryValue.value(new byte[]{1}));
            }
            w.finish();
        }
        try (SstReader reader = SstReader.open(path, 1, null)) {
            int falsePositives = 0;
            for (int i = 0; i < KEYS; i++) {
                int cf = (int) (3L * i / KEYS);
                assertTrue(reader.mayContain(InternalKey.lookupPrefix(ColumnFamily.values()[cf], user(2L * i))),
                        "false negative for key " + i);
                if (reader.mayContain(InternalKey.lookupPrefix(ColumnFamily.values()[cf], user(2L * i + 1)))) {
                    falsePositives++;
                }
            }
            double rate = falsePositives / (double) KEYS;
            assertTrue(rate <= 0.02, "false-positive rate " + rate);
        }
    }

    @Test
    void versionsOfOneKeyAreAddedOnceAndAnyVersionFindsThem() {
        Path path = dir.resolve("000002.sst");
        try (SstWriter w = new SstWriter(path, new SstOptions(4096, 10, Options.Compression.NONE))) {
            for (int i = 0; i < 1000; i++) {
                for (long v = 20; v > 0; v--) { // newer versions sort first
                    w.add(InternalKey.encode(0, user(i), v), EntryValue.value(new byte[0]));
                }
            }
            w.finish();
        }
        try (SstReader reader = SstReader.open(path, 2, null)) {
            // Sized for 1000 distinct prefixes, not 20000 entries.
            assertEquals(10_240, reader.bloomBitCount()); // 10_000 bits rounded up to 512-bit lines
            for (int i = 0; i < 1000; i++) {
                assertTrue(reader.mayContain(InternalKey.lookupPrefix(InternalKey.encode(0, user(i), 999))));
            }
        }
    }

    @Test
    void zeroBitsPerKeyMeansNoFilterAndEveryProbePasses() {
        Path path = dir.resolve("000003.sst");
        try (SstWriter w = new SstWriter(path, new SstOptions(4096, 0, Options.Compression.NONE))) {
            w.add(InternalKey.encode(0, user(1), 1), EntryValue.value(new byte[0]));
            w.finish();
        }
        try (SstReader reader = SstReader.open(path, 3, null)) {
            assertEquals(0, reader.bloomBitCount());
            for (int i = 0; i < 100; i++) {
                assertTrue(reader.mayContain(InternalKey.lookupPrefix(InternalKey.encode(2, user(i + 1000), 1))));
            }
        }
    }

    private static byte[] user(long i) {
        return String.format("user%010d", i).getBytes(StandardCharsets.UTF_8);
    }
}
