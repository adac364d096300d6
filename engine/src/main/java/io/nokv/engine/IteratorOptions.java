package io.nokv.engine;

/** What an iterator covers. Bounds are user keys: lower inclusive, upper exclusive; null = unbounded. */
public final class IteratorOptions {
    private ColumnFamily columnFamily = ColumnFamily.DEFAULT;
    private byte[] lowerBound;
    private byte[] upperBound;
    private byte[] prefix;
    private long readVersion = Long.MAX_VALUE;
    private boolean allVersions;

    public static IteratorOptions defaults() {
        return new IteratorOptions();
    }

    public IteratorOptions columnFamily(ColumnFamily cf) {
        this.columnFamily = cf;
        return this;
    }

    public IteratorOptions lowerBound(byte[] key) {
        this.lowerBound = key;
        return this;
    }

    public IteratorOptions upperBound(byte[] key) {
        this.upperBound = key;
        return this;
    }

    /** Only keys starting with this prefix; combines with the bounds. */
    public IteratorOptions prefix(byte[] prefix) {
        this.prefix = prefix;
        return this;
    }

    /** Read as of this version; default: everything written so far. */
    public IteratorOptions readVersion(long version) {
        this.readVersion = version;
        return this;
    }

    /** Yield every version (newest first within a key) instead of only the newest visible one. */
    public IteratorOptions allVersions(boolean all) {
        this.allVersions = all;
        return this;
    }

    public ColumnFamily columnFamily() {
        return columnFamily;
    }

    public byte[] lowerBound() {
        return lowerBound;
    }

    public byte[] upperBound() {
        return upperBound;
    }

    public byte[] prefix() {
        return prefix;
    }

    public long readVersion() {
        return readVersion;
    }

    public boolean allVersions() {
        return allVersions;
    }
}
