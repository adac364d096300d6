package io.nokv.engine.sst;

/** Facts about a finished table, stored in its meta block and returned by the writer. */
public record SstProperties(
        long fileSize,
        byte[] smallest,
        byte[] largest,
        long minVersion,
        long maxVersion,
        long entries,
        long tombstones) {
}
