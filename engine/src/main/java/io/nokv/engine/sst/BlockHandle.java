package io.nokv.engine.sst;

/**
 * Where a block lives in the file: {@code offset} of its first stored byte and {@code size} of its
 * stored bytes, not counting the {@link BlockCodec#TRAILER_BYTES}-byte trailer that follows them.
 */
record BlockHandle(long offset, int size) {
    static final BlockHandle NONE = new BlockHandle(0, 0);

    long endWithTrailer() {
        return offset + size + BlockCodec.TRAILER_BYTES;
    }
}
