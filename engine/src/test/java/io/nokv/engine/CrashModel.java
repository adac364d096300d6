package io.nokv.engine;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.nokv.engine.CrashWorkload.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the store must hold after batches 1..n_w of each writer w of {@link CrashWorkload}: plain
 * keys of the default and lock column families, and every version of the write column family's
 * keys. Writers use disjoint keys, so the order in which their batches are applied is irrelevant.
 */
final class CrashModel {
    private final Map<ColumnFamily, TreeMap<String, String>> plain = new EnumMap<>(ColumnFamily.class);
    /** key -> version -> value, null value = tombstone. */
    private final TreeMap<String, TreeMap<Long, String>> versioned = new TreeMap<>();

    private final int writers;

    CrashModel(int writers) {
        this.writers = writers;
        plain.put(ColumnFamily.DEFAULT, new TreeMap<>());
        plain.put(ColumnFamily.LOCK, new TreeMap<>());
    }

    void apply(WriteBatch batch) {
        for (WriteBatch.Op op : batch.ops()) {
            String key = string(op.key());
            String value = op.delete() ? null : string(op.value());
            if (op.version() == WriteBatch.UNVERSIONED) {
                if (value == null) {
                    plain.get(op.cf()).remove(key);
                } else {
                    plain.get(op.cf()).put(key, value);
                }
            } else {
                versioned.computeIfAbsent(key, k -> new TreeMap<>()).put(op.version(), value);
            }
        }
    }

    /** Highest version any versioned write used, 0 if none. */
    long maxVersion() {
        long max = 0;
        for (TreeMap<Long, String> versions : versioned.values()) {
            max = Math.max(max, versions.lastKey());
        }
        return max;
    }

    /**
     * Compares the whole store with the model: a scan and point reads of both plain column
     * families, and for the write column family a read at every version at or above the safe
     * point (older ones may be garbage-collected) plus a scan of the newest versions.
     */
    void verify(DB db, long safePoint, String when) {
        for (Map.Entry<ColumnFamily, TreeMap<String, String>> e : plain.entrySet()) {
            ColumnFamily cf = e.getKey();
            TreeMap<String, String> expected = e.getValue();
            assertScan(db, cf, Long.MAX_VALUE, expected, when);
            for (int w = 0; w < writers; w++) {
                for (int i = 0; i < CrashWorkload.PLAIN_KEYS; i++) {
                    String key = CrashWorkload.plainKey(w, i);
                    assertEquals(expected.get(key), string(db.get(cf, CrashWorkload.bytes(key))),
                            when + ": get " + cf.displayName() + "/" + key);
                }
            }
        }
        TreeMap<String, String> newest = new TreeMap<>();
        for (Map.Entry<String, TreeMap<Long, String>> e : versioned.entrySet()) {
            String key = e.getKey();
            TreeMap<Long, String> versions = e.getValue();
            byte[] keyBytes = CrashWorkload.bytes(key);
            for (long v : versions.keySet()) {
                for (long readAt : new long[] {v, v - 1}) {
                    if (readAt < safePoint) {
                        continue;
                    }
                    Map.Entry<Long, String> floor = versions.floorEntry(readAt);
                    String want = floor == null ? null : floor.getValue();
                    assertEquals(want, string(db.get(ColumnFamily.WRITE, keyBytes, readAt)),
                            when + ": get write/" + key + " at version " + readAt);
                }
            }
            Map.Entry<Long, String> last = versions.lastEntry();
            VersionedValue got = db.getVersioned(ColumnFamily.WRITE, keyBytes, Long.MAX_VALUE);
            if (last.getValue() == null) {
                assertEquals(null, got == null ? null : string(got.value()),
                        when + ": write/" + key + " is deleted at its newest version " + last.getKey());
            } else {
                newest.put(key, last.getValue());
                if (got == null) {
                    fail(when + ": write/" + key + " missing, want version " + last.getKey());
                }
                assertEquals(last.getKey(), got.version(), when + ": newest version of write/" + key);
                assertEquals(last.getValue(), string(got.value()), when + ": newest value of write/" + key);
            }
        }
        assertScan(db, ColumnFamily.WRITE, Long.MAX_VALUE, newest, when);
    }

    private static void assertScan(DB db, ColumnFamily cf, long readVersion, TreeMap<String, String> expected,
                                   String when) {
        List<String> got = new ArrayList<>();
        try (DbIterator it = db.newIterator(IteratorOptions.defaults().columnFamily(cf).readVersion(readVersion))) {
            for (it.seekToFirst(); it.valid(); it.next()) {
                got.add(string(it.key()) + "=" + string(it.value()));
            }
        }
        List<String> want = new ArrayList<>();
        expected.forEach((k, v) -> want.add(k + "=" + v));
        if (!want.equals(got)) {
            fail(when + ": scan of " + cf.displayName() + " differs from the model: " + firstDifference(want, got));
        }
    }

    private static String firstDifference(List<String> want, List<String> got) {
        for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
            String w = i < want.size() ? want.get(i) : "<end>";
            String g = i < got.size() ? got.get(i) : "<end>";
            if (!w.equals(g)) {
                return "entry " + i + ": want " + abbreviate(w) + ", got " + abbreviate(g)
                        + " (" + want.size() + " entries wanted, " + got.size() + " found)";
            }
        }
        return "none";
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
