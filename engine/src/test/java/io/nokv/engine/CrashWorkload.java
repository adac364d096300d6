package io.nokv.engine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * What the crash test's child writes, shared by the child ({@link CrashWriter}) and the parent
 * ({@link CrashRecoveryTest}) so the parent can rebuild every batch from its id alone.
 *
 * <p>Several writers run at once (so group commit is what gets killed), each on its own keys,
 * prefixed {@code w<writer>/}. A writer's batch {@code id} (ids start at 1 and grow by one across
 * all cycles) holds 2–8 plain puts and deletes over a small key space in the default and lock
 * column families, 0–2 versioned puts or deletes in the write column family at versions
 * {@code id * 4 + j}, and always a put of the writer's {@link #lastBatchKey} = id. Every value
 * names its writer and batch, so a failure message says whose write was seen. The options make memtables, WAL segments, files and levels tiny, so flushes,
 * WAL rotation, compactions and manifest rewrites all happen between kills.
 */
final class CrashWorkload {
    static final int PLAIN_KEYS = 1000;
    static final int VERSIONED_KEYS = 100;
    static final int VERSIONS_PER_BATCH = 4;

    private CrashWorkload() {
    }

    static Options options(Path dir) {
        return Options.at(dir)
                .syncWrites(true)
                .memtableBytes(32 << 10)
                .walSegmentBytes(16 << 10)
                .blockBytes(1 << 10)
                .blockCacheBytes(256 << 10)
                .targetFileBytes(32 << 10)
                .levelBaseBytes(128 << 10)
                .l0CompactionTrigger(2)
                .l0SlowdownTrigger(8)
                .l0StopTrigger(16)
                .manifestRewriteBytes(4 << 10)
                .keepVersionsUntilSafePoint(true);
    }

    static byte[] lastBatchKey(int writer) {
        return bytes("w" + writer + "/meta/last-batch");
    }

    static WriteBatch batch(long seed, int writer, long id) {
        SplittableRandom random = new SplittableRandom((seed * 31 + writer) * 0x9E3779B97F4A7C15L + id);
        String name = "w" + writer + "b" + id;
        WriteBatch batch = new WriteBatch();
        Set<String> used = new HashSet<>();
        int plainOps = random.nextInt(2, 9);
        while (used.size() < plainOps) {
            ColumnFamily cf = random.nextInt(100) < 85 ? ColumnFamily.DEFAULT : ColumnFamily.LOCK;
            String key = plainKey(writer, random.nextInt(PLAIN_KEYS));
            if (!used.add(cf.id() + "/" + key)) {
                continue;
            }
            if (random.nextInt(100) < 75) {
                batch.put(cf, bytes(key), value(random, name + "." + key));
            } else {
                batch.delete(cf, bytes(key));
            }
        }
        int versionedOps = random.nextInt(3);
        Set<Integer> versionedKeys = new HashSet<>();
        for (int j = 0; j < versionedOps; j++) {
            int k = random.nextInt(VERSIONED_KEYS);
            if (!versionedKeys.add(k)) {
                continue;
            }
            long version = id * VERSIONS_PER_BATCH + j;
            String key = versionedKey(writer, k);
            if (random.nextInt(100) < 80) {
                batch.put(ColumnFamily.WRITE, bytes(key), version, value(random, name + "@" + version));
            } else {
                batch.delete(ColumnFamily.WRITE, bytes(key), version);
            }
        }
        batch.put(ColumnFamily.DEFAULT, lastBatchKey(writer), bytes(Long.toString(id)));
        return batch;
    }

    static String plainKey(int writer, int i) {
        return String.format("w%d/k%04d", writer, i);
    }

    static String versionedKey(int writer, int i) {
        return String.format("w%d/v%03d", writer, i);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** The batch's name plus up to 400 bytes of filler, so memtables fill after a few dozen batches. */
    private static byte[] value(SplittableRandom random, String name) {
        StringBuilder sb = new StringBuilder(name).append(':');
        int filler = random.nextInt(400);
        char c = (char) ('a' + random.nextInt(26));
        for (int i = 0; i < filler; i++) {
            sb.append(c);
        }
        return bytes(sb.toString());
    }
}
