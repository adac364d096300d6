package io.nokv.engine.bench;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * RocksDB through JNI with the benchmark's shared settings: WAL on without fsync per write, an LRU
 * block cache of the same byte budget as NoKV's, a 10 bits/key full bloom filter, the same memtable
 * size and block size, and no compression. Everything else stays at RocksDB's defaults (which NoKV's
 * defaults copy: L0 triggers 4/20/36, L1 256 MiB, ratio 10, 64 MiB files).
 */
final class RocksDbBenchEngine implements BenchEngine {
    static {
        RocksDB.loadLibrary();
    }

    private final LRUCache cache;
    private final BloomFilter bloom;
    private final Options options;
    private final WriteOptions writeOptions;
    private final ReadOptions readOptions;
    private final RocksDB db;

    RocksDbBenchEngine(Settings s) {
        cache = new LRUCache(s.blockCacheBytes());
        bloom = new BloomFilter(s.bloomBitsPerKey(), false);
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setFilterPolicy(bloom)
                .setBlockSize(s.blockBytes());
        options = new Options()
                .setCreateIfMissing(true)
                .setWriteBufferSize(s.memtableBytes())
                .setCompressionType(CompressionType.NO_COMPRESSION)
                .setBottommostCompressionType(CompressionType.NO_COMPRESSION)
                .setTableFormatConfig(table);
        writeOptions = new WriteOptions().setSync(false).setDisableWAL(false);
        readOptions = new ReadOptions();
        try {
            db = RocksDB.open(options, s.dir().toString());
        } catch (RocksDBException e) {
            close();
            throw new IllegalStateException("cannot open RocksDB in " + s.dir(), e);
        }
    }

    @Override
    public String name() {
        return "rocksdb";
    }

    @Override
    public void put(byte[] key, byte[] value) {
        try {
            db.put(writeOptions, key, value);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void reclaimSpace() {
        try {
            db.compactRange();
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public byte[] get(byte[] key) {
        try {
            return db.get(readOptions, key);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int scan(byte[] start, int count) {
        int seen = 0;
        try (RocksIterator it = db.newIterator(readOptions)) {
            for (it.seek(start); it.isValid() && seen < count; it.next()) {
                Sink.touch(it.key(), it.value());
                seen++;
            }
        }
        return seen;
    }

    @Override
    public boolean settled() {
        try {
            return db.getLongProperty("rocksdb.mem-table-flush-pending") == 0
                    && db.getLongProperty("rocksdb.num-running-flushes") == 0
                    && db.getLongProperty("rocksdb.compaction-pending") == 0
                    && db.getLongProperty("rocksdb.num-running-compactions") == 0;
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String shape() {
        try {
            StringBuilder sb = new StringBuilder("files per level:");
            for (int level = 0; level < 7; level++) {
                sb.append(' ').append(db.getProperty("rocksdb.num-files-at-level" + level));
            }
            return sb.append(", live data ")
                    .append(db.getLongProperty("rocksdb.live-sst-files-size") >> 20).append(" MiB")
                    .toString();
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (db != null) {
            db.close();
        }
        readOptions.close();
        writeOptions.close();
        options.close();
        bloom.close();
        cache.close();
    }
}
