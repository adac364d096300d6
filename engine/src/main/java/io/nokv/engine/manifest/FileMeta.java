package io.nokv.engine.manifest;

/**
 * What the manifest knows of one SST file: enough to route a lookup to it (key range), to pick
 * compactions (size, level) and to print it ({@code nokv manifest}). Keys are internal keys.
 */
public record FileMeta(
        long id,
        int level,
        long size,
        byte[] smallest,
        byte[] largest,
        long minVersion,
        long maxVersion,
        long entries,
        long tombstones) {

    public FileMeta withLevel(int newLevel) {
        return new FileMeta(id, newLevel, size, smallest, largest, minVersion, maxVersion, entries, tombstones);
    }
}
