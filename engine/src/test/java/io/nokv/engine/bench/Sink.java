package io.nokv.engine.bench;

/** Keeps the JIT from discarding reads whose results the benchmark does not otherwise use. */
final class Sink {
    private static volatile long sink;

    private Sink() {
    }

    static void touch(byte[] key, byte[] value) {
        sink += key.length + (value == null ? 0 : value.length);
    }

    static void touch(byte[] value) {
        sink += value == null ? 0 : value.length;
    }
}
