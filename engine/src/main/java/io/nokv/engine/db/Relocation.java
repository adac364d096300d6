package io.nokv.engine.db;

/**
 * One value GC wants to move out of a segment: the record it read, and (set by the write-group
 * leader, which checks the LSM at the moment of the switch) what became of it.
 */
final class Relocation {
    enum Outcome { PENDING, MOVED, DEAD, PINNED }

    final int cf;
    final byte[] key;
    final long version;
    final long expiresAt;
    final byte[] value;
    final long segment;
    final long offset;
    Outcome outcome = Outcome.PENDING;

    Relocation(int cf, byte[] key, long version, long expiresAt, byte[] value, long segment, long offset) {
        this.cf = cf;
        this.key = key;
        this.version = version;
        this.expiresAt = expiresAt;
        this.value = value;
        this.segment = segment;
        this.offset = offset;
    }
}
