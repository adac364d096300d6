package io.nokv.engine.sst;

import io.nokv.engine.Options;
import io.nokv.engine.key.EntryValue;
import io.nokv.engine.key.InternalKey;

import java.nio.file.Path;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;

/** Builds random tables and the TreeMap they must agree with. */
final class SstFixtures {
    private SstFixtures() {
    }

    static SstOptions options(int blockBytes, int bloomBitsPerKey, Options.Compression compression) {
        return new SstOptions(blockBytes, bloomBitsPerKey, compression);
    }

    /**
     * Random user keys (binary, 0-24 bytes, so 0xFF bytes and prefixes of other keys occur) in all
     * three column families, 1-4 versions each, about 10% tombstones, values of 0-300 bytes.
     */
    static NavigableMap<byte[], byte[]> randomEntries(long seed, int userKeys) {
        Random rnd = new Random(seed);
        NavigableMap<byte[], byte[]> map = new TreeMap<>(InternalKey.COMPARATOR);
        for (int i = 0; i < userKeys; i++) {
            byte[] user = new byte[rnd.nextInt(25)];
            rnd.nextBytes(user);
            int cf = rnd.nextInt(3);
            int versions = 1 + rnd.nextInt(4);
            long version = 1 + rnd.nextInt(1000);
            for (int v = 0; v < versions; v++) {
                version += 1 + rnd.nextInt(50);
                byte[] value;
                if (rnd.nextInt(10) == 0) {
                    value = EntryValue.tombstone();
                } else {
                    byte[] payload = new byte[rnd.nextInt(8) == 0 ? 130 + rnd.nextInt(170) : rnd.nextInt(40)];
                    rnd.nextBytes(payload);
                    value = EntryValue.value(payload);
                }
                map.put(InternalKey.encode(cf, user, version), value);
            }
        }
        return map;
    }

    static SstProperties write(Path path, SstOptions options, Map<byte[], byte[]> entries) {
        try (SstWriter w = new SstWriter(path, options)) {
            for (Map.Entry<byte[], byte[]> e : entries.entrySet()) {
                w.add(e.getKey(), e.getValue());
            }
            return w.finish();
        }
    }
}
