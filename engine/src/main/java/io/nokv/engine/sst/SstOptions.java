package io.nokv.engine.sst;

import io.nokv.engine.Options;

/** The table-format settings taken from {@link Options}. */
public record SstOptions(int blockBytes, int bloomBitsPerKey, Options.Compression compression) {
    public static SstOptions from(Options options) {
        return new SstOptions(options.blockBytes(), options.bloomBitsPerKey(), options.compression());
    }
}
