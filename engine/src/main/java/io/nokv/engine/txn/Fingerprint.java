package io.nokv.engine.txn;

/**
 * 64-bit hash of (column family, user key) for conflict tracking. A collision can only cause a
 * spurious conflict, never a missed one, so a fast non-cryptographic hash is enough.
 */
final class Fingerprint {
    private Fingerprint() {
    }

    static long of(int cfId, byte[] key) {
        long h = 0xcbf29ce484222325L ^ cfId;
        for (byte b : key) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        // FNV alone mixes the last bytes poorly; finish with murmur3's avalanche.
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
