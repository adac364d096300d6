package io.nokv.engine;

/** A value together with the version it was written at (the MVCC layer needs both). */
public record VersionedValue(long version, byte[] value) {
}
