package io.nokv.engine.bench;

import io.nokv.engine.DB;
import io.nokv.engine.DbIterator;
import io.nokv.engine.IteratorOptions;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import io.nokv.engine.StatsSnapshot;

/** NoKV with the benchmark's shared settings (see {@link RocksDbBenchEngine} for the other half). */
final class NoKVBenchEngine implements BenchEngine {
    private final DB db;

    NoKVBenchEngine(Settings s) {
        db = NoKV.open(Options.at(s.dir())
                .memtableBytes(s.memtableBytes())
                .blockCacheBytes(s.blockCacheBytes())
                .bloomBitsPerKey(s.bloomBitsPerKey())
                .blockBytes(s.blockBytes())
                .compression(Options.Compression.NONE)
                .syncWrites(false));
    }

    @Override
    public String name() {
        return "nokv";
    }

    @Override
    public void put(byte[] key, byte[] value) {
        db.put(key, value);
    }

    @Override
    public byte[] get(byte[] key) {
        return db.get(key);
    }

    @Override
    public int scan(byte[] start, int count) {
        int seen = 0;
        try (DbIterator it = db.newIterator(IteratorOptions.defaults())) {
            for (it.seek(start); it.valid() && seen < count; it.next()) {
                Sink.touch(it.key(), it.value());
                seen++;
            }
        }
        return seen;
    }

    @Override
    public boolean settled() {
        StatsSnapshot s = db.stats();
        return s.flushPending() == 0 && s.immutableMemtables() == 0 && s.compactionMaxScore() < 1.0;
    }

    @Override
    public void reclaimSpace() {
        db.compactRange(null, null);
        for (int i = 0; i < 100_000 && db.runValueLogGc().segment() >= 0; i++) {
            // one segment per pass
        }
        db.compactRange(null, null); // GC's moved pointers: drop the old ones from the tables too
    }

    @Override
    public String shape() {
        StatsSnapshot s = db.stats();
        StringBuilder sb = new StringBuilder("files per level:");
        long bytes = 0;
        for (StatsSnapshot.LevelStats level : s.levels()) {
            sb.append(' ').append(level.files());
            bytes += level.bytes();
        }
        StatsSnapshot.ValueLogStats v = s.vlog();
        return sb.append(", live data ").append(bytes >> 20).append(" MiB, vlog ").append(v.segments()).append(" segments ")
                .append(v.totalBytes() >> 20).append(" MiB (").append(v.staleBytes() >> 20).append(" MiB stale), write stalls ")
                .append(s.writeStalls()).append(" (").append(s.writeStallMs()).append(" ms), cache hit ")
                .append(String.format("%.2f", s.blockCacheHitRate())).append(", bloom useful ")
                .append(String.format("%.2f", s.bloomUsefulRate()))
                .toString();
    }

    @Override
    public void close() {
        db.close();
    }
}
