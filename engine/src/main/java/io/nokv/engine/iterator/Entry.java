package io.nokv.engine.iterator;

/** One (internal key, entry value) pair, as point lookups return it. */
public record Entry(byte[] key, byte[] value) {
}
