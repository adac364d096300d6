package io.nokv.engine.db;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DB;
import io.nokv.engine.DbIterator;
import io.nokv.engine.IteratorOptions;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import io.nokv.engine.StatsSnapshot;
import io.nokv.engine.VersionedValue;
import io.nokv.engine.WriteBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random operations against the DB and an in-memory model, with flushes, compactions and reopens
 * in between; tiny memtables and files so that every layer (L0, deeper levels, GC) is exercised.
 */
class ModelTest {
    private static final byte[] TOMBSTONE = new byte[0];

    @TempDir
    Path dir;

    @Test
    void keepingVersionsSeed1() {
        run(1, true, 1500);
    }

    @Test
    void keepingVersionsSeed2() {
        run(2, true, 1500);
    }

    @Test
    void latestOnlySeed3() {
        run(3, false, 1500);
    }

    @Test
    void randomSeed() {
        run(System.nanoTime(), true, 1000);
    }

    private void run(long seed, boolean keepVersions, int steps) {
        try {
            new Run(seed, keepVersions, dir.resolve("s" + seed)).go(steps);
        } catch (Throwable t) {
            throw new AssertionError("model test failed with seed " + seed + " (keepVersions=" + keepVersions + "): " + t, t);
        }
    }

    /** (cf, user key) → version → value (TOMBSTONE for deletes). */
    private static final class Model {
        final TreeMap<String, TreeMap<Long, byte[]>> data = new TreeMap<>();
        long lastVersion;
        long safePoint;

        static String id(ColumnFamily cf, byte[] key) {
            return cf.id() + ":" + HexFormat.of().formatHex(key);
        }

        void write(ColumnFamily cf, byte[] key, long version, byte[] valueOrTombstone) {
            data.computeIfAbsent(id(cf, key), k -> new TreeMap<>()).put(version, valueOrTombstone);
            lastVersion = Math.max(lastVersion, version);
        }

        Map.Entry<Long, byte[]> read(ColumnFamily cf, byte[] key, long readVersion) {
            TreeMap<Long, byte[]> versions = data.get(id(cf, key));
            if (versions == null) {
                return null;
            }
            Map.Entry<Long, byte[]> e = versions.floorEntry(readVersion);
            return e == null || e.getValue() == TOMBSTONE ? null : e;
        }
    }

    private record Item(byte[] key, long version, byte[] value) {
        @Override
        public String toString() {
            String v = HexFormat.of().formatHex(value);
            return HexFormat.of().formatHex(key) + "@" + version + "=" + (v.length() > 12 ? v.substring(0, 12) + "~" + value.length : v);
        }
    }

    private static final class Run {
        final Random rnd;
        final boolean keepVersions;
        final Path path;
        final Model model = new Model();
        final List<byte[]> keys = new ArrayList<>();
        DB db;
        int flushes;
        int compactions;

        Run(long seed, boolean keepVersions, Path path) {
            this.rnd = new Random(seed);
            this.keepVersions = keepVersions;
            this.path = path;
            byte[] alphabet = {0, 'a', 'b', (byte) 0xff};
            keys.add(new byte[0]);
            while (keys.size() < 80) {
                byte[] k = new byte[1 + rnd.nextInt(4)];
                for (int i = 0; i < k.length; i++) {
                    k[i] = alphabet[rnd.nextInt(alphabet.length)];
                }
                if (keys.stream().noneMatch(x -> Arrays.equals(x, k))) {
                    keys.add(k);
                }
            }
        }

        Options options() {
            return Options.at(path).memtableBytes(16 << 10).targetFileBytes(8 << 10).levelBaseBytes(32 << 10)
                    .levelMultiplier(2).maxLevels(4).blockBytes(512).l0CompactionTrigger(2).walSegmentBytes(16 << 10)
                    .manifestRewriteBytes(8 << 10).keepVersionsUntilSafePoint(keepVersions);
        }

        void go(int steps) {
            db = NoKV.open(options());
            try {
                for (int step = 0; step < steps; step++) {
                    step(step);
                }
                reopen();
                checkEverything();
                StatsSnapshot s = db.stats();
                assertTrue(s.flushRuns() > 0 || flushes > 0, "no flush happened");
                assertTrue(compactions > 0, "no compaction happened");
            } finally {
                db.close();
            }
        }

        ColumnFamily cf() {
            int r = rnd.nextInt(10);
            return r < 7 ? ColumnFamily.DEFAULT : r < 9 ? ColumnFamily.WRITE : ColumnFamily.LOCK;
        }

        byte[] key() {
            return keys.get(rnd.nextInt(keys.size()));
        }

        byte[] value() {
            byte[] v = new byte[rnd.nextInt(10) == 0 ? 300 : rnd.nextInt(40)];
            rnd.nextBytes(v);
            return v;
        }

        /** A versioned write never goes at or below the safe point (MVCC writers don't). */
        long writeVersion() {
            long lo = model.safePoint + 1;
            return lo + rnd.nextInt((int) Math.max(1, model.lastVersion - lo + 5));
        }

        long readVersion() {
            if (!keepVersions || rnd.nextInt(3) == 0) {
                return model.lastVersion;
            }
            return model.safePoint + (long) (rnd.nextDouble() * (model.lastVersion - model.safePoint + 3));
        }

        void step(int step) {
            int r = rnd.nextInt(1000);
            if (r < 300) {
                ColumnFamily cf = cf();
                byte[] k = key();
                byte[] v = value();
                if (cf == ColumnFamily.DEFAULT && rnd.nextBoolean()) {
                    db.put(k, v);
                } else {
                    db.put(cf, k, v);
                }
                model.write(cf, k, model.lastVersion + 1, v);
                assertEquals(model.lastVersion, db.lastVersion());
            } else if (r < 360) {
                ColumnFamily cf = cf();
                byte[] k = key();
                db.delete(cf, k);
                model.write(cf, k, model.lastVersion + 1, TOMBSTONE);
                assertEquals(model.lastVersion, db.lastVersion());
            } else if (r < 450 && keepVersions) {
                ColumnFamily cf = cf();
                byte[] k = key();
                long ver = writeVersion();
                if (rnd.nextInt(4) == 0) {
                    db.delete(cf, k, ver);
                    model.write(cf, k, ver, TOMBSTONE);
                } else {
                    byte[] v = value();
                    db.put(cf, k, ver, v);
                    model.write(cf, k, ver, v);
                }
                assertEquals(model.lastVersion, db.lastVersion());
            } else if (r < 520) {
                batch();
            } else if (r < 700) {
                ColumnFamily cf = cf();
                byte[] k = key();
                long rv = readVersion();
                Map.Entry<Long, byte[]> want = model.read(cf, k, rv);
                VersionedValue got = db.getVersioned(cf, k, rv);
                if (want == null) {
                    assertEquals(null, got, "getVersioned " + Model.id(cf, k) + " @" + rv);
                } else {
                    assertTrue(got != null, "getVersioned " + Model.id(cf, k) + " @" + rv + " missing, want v" + want.getKey());
                    assertEquals(want.getKey(), got.version(), "version of " + Model.id(cf, k) + " @" + rv);
                    assertArrayEquals(want.getValue(), got.value(), "value of " + Model.id(cf, k) + " @" + rv);
                }
                Map.Entry<Long, byte[]> latest = model.read(cf, k, model.lastVersion);
                assertArrayEquals(latest == null ? null : latest.getValue(), db.get(cf, k), "get latest " + Model.id(cf, k));
            } else if (r < 850) {
                iterate();
            } else if (r < 870) {
                db.flush();
                flushes++;
            } else if (r < 880) {
                byte[] a = rnd.nextBoolean() ? null : key();
                byte[] b = rnd.nextBoolean() ? null : key();
                db.compactRange(a, b);
                compactions++;
            } else if (r < 890 && keepVersions) {
                long sp = model.safePoint + (long) (rnd.nextDouble() * (model.lastVersion - model.safePoint));
                db.setSafePoint(sp);
                model.safePoint = Math.max(model.safePoint, sp);
                assertEquals(model.safePoint, db.safePoint());
            } else if (r < 895) {
                reopen();
            } else if (step % 500 == 0) {
                checkEverything();
            }
            if (db.stats().compactionRuns() > 0) {
                compactions = Math.max(compactions, 1);
            }
        }

        void batch() {
            WriteBatch b = new WriteBatch();
            int n = 1 + rnd.nextInt(6);
            List<Object[]> ops = new ArrayList<>();
            boolean plain = false;
            long maxVersioned = -1;
            for (int i = 0; i < n; i++) {
                ColumnFamily cf = cf();
                byte[] k = key();
                boolean del = rnd.nextInt(4) == 0;
                byte[] v = del ? TOMBSTONE : value();
                long ver = -1;
                if (keepVersions && rnd.nextInt(3) == 0) {
                    ver = writeVersion();
                    maxVersioned = Math.max(maxVersioned, ver);
                    if (del) {
                        b.delete(cf, k, ver);
                    } else {
                        b.put(cf, k, ver, v);
                    }
                } else {
                    plain = true;
                    if (del) {
                        b.delete(cf, k);
                    } else {
                        b.put(cf, k, v);
                    }
                }
                ops.add(new Object[] {cf, k, ver, v});
            }
            db.write(b, rnd.nextInt(10) == 0);
            long plainVersion = Math.max(model.lastVersion, maxVersioned) + 1;
            for (Object[] op : ops) {
                long ver = (long) op[2];
                model.write((ColumnFamily) op[0], (byte[]) op[1], ver < 0 ? plainVersion : ver, (byte[]) op[3]);
            }
            if (!plain) {
                model.lastVersion = Math.max(model.lastVersion, maxVersioned);
            }
            assertEquals(model.lastVersion, db.lastVersion(), "last version after batch");
        }

        void reopen() {
            db.close();
            db = NoKV.open(options());
            assertEquals(model.lastVersion, db.lastVersion(), "last version after reopen");
            if (keepVersions) {
                assertEquals(model.safePoint, db.safePoint(), "safe point after reopen");
            }
        }

        void checkEverything() {
            for (ColumnFamily cf : ColumnFamily.values()) {
                IteratorOptions o = IteratorOptions.defaults().columnFamily(cf);
                compareIteration(o, model.lastVersion, false, Integer.MAX_VALUE);
                compareIteration(o, model.lastVersion, true, Integer.MAX_VALUE);
            }
        }

        void iterate() {
            ColumnFamily cf = cf();
            IteratorOptions o = IteratorOptions.defaults().columnFamily(cf);
            if (rnd.nextInt(3) == 0) {
                o.lowerBound(key());
            }
            if (rnd.nextInt(3) == 0) {
                o.upperBound(key());
            }
            if (rnd.nextInt(4) == 0) {
                byte[] k = key();
                o.prefix(Arrays.copyOf(k, Math.min(k.length, rnd.nextInt(3))));
            }
            long rv = readVersion();
            if (rv != model.lastVersion || rnd.nextBoolean()) {
                o.readVersion(rv);
            }
            if (keepVersions && rnd.nextInt(5) == 0) {
                o.allVersions(true);
            }
            if (rnd.nextInt(4) == 0) {
                compareMixedWalk(o, rv);
            } else {
                compareIteration(o, rv, rnd.nextBoolean(), 1 + rnd.nextInt(40));
            }
        }

        /** What the iterator must yield, in forward order. */
        List<Item> expected(IteratorOptions o, long rv) {
            List<Item> out = new ArrayList<>();
            String cfPrefix = o.columnFamily().id() + ":";
            for (Map.Entry<String, TreeMap<Long, byte[]>> e : model.data.subMap(cfPrefix, cfPrefix + "\uffff").entrySet()) {
                byte[] key = HexFormat.of().parseHex(e.getKey().substring(cfPrefix.length()));
                if (!inRange(o, key)) {
                    continue;
                }
                if (o.allVersions()) {
                    Long cut = e.getValue().floorKey(model.safePoint);
                    for (Map.Entry<Long, byte[]> v : e.getValue().descendingMap().entrySet()) {
                        if (v.getKey() <= rv && v.getValue() != TOMBSTONE && (cut == null || v.getKey() >= cut)) {
                            out.add(new Item(key, v.getKey(), v.getValue()));
                        }
                    }
                } else {
                    Map.Entry<Long, byte[]> v = e.getValue().floorEntry(rv);
                    if (v != null && v.getValue() != TOMBSTONE) {
                        out.add(new Item(key, v.getKey(), v.getValue()));
                    }
                }
            }
            // The model's hex order is the unsigned byte order only for equal lengths: sort properly.
            out.sort((a, b) -> {
                int c = Arrays.compareUnsigned(a.key, b.key);
                return c != 0 ? c : Long.compare(b.version, a.version);
            });
            return out;
        }

        /** GC may drop versions older than the newest one at or below the safe point: hide them from allVersions checks. */
        boolean visibleToCheck(IteratorOptions o, Item it) {
            if (!o.allVersions()) {
                return true;
            }
            TreeMap<Long, byte[]> versions = model.data.get(Model.id(o.columnFamily(), it.key));
            Long cut = versions == null ? null : versions.floorKey(model.safePoint);
            return cut == null || it.version >= cut;
        }

        static boolean inRange(IteratorOptions o, byte[] key) {
            if (o.lowerBound() != null && Arrays.compareUnsigned(key, o.lowerBound()) < 0) {
                return false;
            }
            if (o.upperBound() != null && Arrays.compareUnsigned(key, o.upperBound()) >= 0) {
                return false;
            }
            byte[] p = o.prefix();
            return p == null || (key.length >= p.length && Arrays.equals(key, 0, p.length, p, 0, p.length));
        }

        void compareIteration(IteratorOptions o, long rv, boolean reverse, int limit) {
            List<Item> want = expected(o, rv);
            if (reverse) {
                java.util.Collections.reverse(want);
            }
            List<Item> got = new ArrayList<>();
            try (DbIterator it = db.newIterator(o)) {
                boolean seekMode = rnd.nextInt(3) == 0;
                byte[] target = key();
                if (seekMode) {
                    if (reverse) {
                        it.seekForPrev(target);
                        want.removeIf(x -> Arrays.compareUnsigned(x.key, target) > 0);
                    } else {
                        it.seek(target);
                        want.removeIf(x -> Arrays.compareUnsigned(x.key, target) < 0);
                    }
                } else if (reverse) {
                    it.seekToLast();
                } else {
                    it.seekToFirst();
                }
                while (it.valid() && got.size() < (long) limit + 5) {
                    Item item = new Item(it.key(), it.version(), it.value());
                    if (visibleToCheck(o, item)) {
                        got.add(item);
                    }
                    if (reverse) {
                        it.prev();
                    } else {
                        it.next();
                    }
                }
            }
            int n = Math.min(limit, want.size());
            if (got.size() < n || !got.subList(0, n).toString().equals(want.subList(0, n).toString())
                    || (limit == Integer.MAX_VALUE && got.size() != want.size())) {
                fail(clip("iteration " + describe(o, rv) + (reverse ? " reverse" : " forward") + "\n want " + want.subList(0, n)
                        + "\n got  " + got.subList(0, Math.min(got.size(), n + 3))));
            }
        }

        /** Random next/prev walk; each position compared with the model. */
        void compareMixedWalk(IteratorOptions o, long rv) {
            List<Item> want = expected(o, rv);
            want.removeIf(x -> !visibleToCheck(o, x));
            if (o.allVersions()) {
                return; // GC-hidden versions make positions ambiguous; covered by compareIteration
            }
            try (DbIterator it = db.newIterator(o)) {
                int pos;
                if (rnd.nextBoolean()) {
                    it.seekToFirst();
                    pos = 0;
                } else {
                    it.seekToLast();
                    pos = want.size() - 1;
                }
                for (int i = 0; i < 30; i++) {
                    if (pos < 0 || pos >= want.size()) {
                        assertTrue(!it.valid(), "walk " + describe(o, rv) + " should be exhausted at " + pos);
                        return;
                    }
                    assertTrue(it.valid(), "walk " + describe(o, rv) + " ended early at " + pos + " want " + want.get(pos));
                    Item got = new Item(it.key(), it.version(), it.value());
                    assertEquals(want.get(pos).toString(), got.toString(), "walk " + describe(o, rv) + " at " + pos);
                    if (rnd.nextBoolean()) {
                        it.next();
                        pos++;
                    } else {
                        it.prev();
                        pos--;
                    }
                }
            }
        }

        static String clip(String s) {
            return s.length() < 3000 ? s : s.substring(0, 3000) + "...";
        }

        static String describe(IteratorOptions o, long rv) {
            HexFormat h = HexFormat.of();
            return "{cf=" + o.columnFamily() + " lower=" + (o.lowerBound() == null ? null : h.formatHex(o.lowerBound()))
                    + " upper=" + (o.upperBound() == null ? null : h.formatHex(o.upperBound()))
                    + " prefix=" + (o.prefix() == null ? null : h.formatHex(o.prefix())) + " rv=" + rv
                    + " all=" + o.allVersions() + "}";
        }
    }
}
